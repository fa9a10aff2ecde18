"""`letters app`: the whole job in a browser page on this computer, the second face of the library.

Nothing here validates, renders, hashes or edits a case: the pages call the same library
functions the command line calls.
"""
