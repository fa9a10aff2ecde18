"""What a template may see and do: inert data, and bounded time, size and memory.

Template packs come from strangers. The sandbox already keeps a template away from private
attributes; this module closes the rest:

- `inert()` turns the case into a frozen, method-free view (strings, numbers, dates, Decimals,
  tuples and read-only records of them), so nothing a template can reach acts on the world.
  Strings in the view remember the case key they came from, so rendering records which case
  values a template printed — the one list of values every output must then carry verbatim.
- `Sandbox` bounds every way a template can make big things in one step (`*`, `**`, `%`,
  `str.format`, string methods, inflating filters) before it makes them, charges what it makes
  to a per-render budget, ticks a processor-time deadline in loops, calls and outputs, and
  counts the output while it streams. The clock is the rendering thread's processor time, so
  the limit holds in a server thread and does not trip because the machine is busy.

Only `templating.py` builds environments; it uses `Sandbox` and `limits()` from here.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from decimal import Decimal
from pathlib import PurePath
from types import CodeType
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from letters.errors import InputError
from letters.i18n import _

MAX_TEMPLATE_BYTES = 256 * 1024
"""The largest template file read from a template folder (a letter template is a few KB)."""
MAX_SECONDS = 1.0
"""Processor time one rendering may take (a letter takes a few milliseconds)."""
MAX_STRING = 1_000_000
"""The longest string a template may make in one step, in characters."""
MAX_ITEMS = 100_000
"""The longest list a template may make in one step (Jinja's own bound on `range`)."""
MAX_OUTPUT = 8_000_000
"""The most text one rendering may write, in characters (a DOCX body is well under 1 MB)."""
MAX_WORK = 64_000_000
"""The most memory, in estimated bytes, all the values one rendering makes may add up to."""
MAX_INT_BITS = 4096
"""The largest whole number a template may make (Decimal exponents are bounded alike)."""


class LimitError(InputError):
    """A template went past one of the rendering limits (the template is at fault: exit 2)."""


# --- the inert view of the case ----------------------------------------------------------------


class Leaf(str):
    """A string from the case that remembers its key (`events[2].party`)."""

    _key: str

    def __new__(cls, value: str, key: str) -> Leaf:
        leaf = super().__new__(cls, value)
        leaf._key = key  # underscored: the sandbox hides it from templates
        return leaf


class Record:
    """A read-only record of plain values, read as `record.field` or `record["field"]`.

    It has no public methods, so a template can only read what it holds.
    """

    __slots__ = ("_fields", "_text")

    def __init__(self, values: Mapping[str, Any], text: str | None = None) -> None:
        object.__setattr__(self, "_fields", dict(values))
        object.__setattr__(self, "_text", text)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self._fields == other._fields

    def __hash__(self) -> int:
        return hash(tuple(self._fields.items()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(name)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(name)

    def __str__(self) -> str:
        if self._text is not None:
            return self._text
        return repr(self)

    def __repr__(self) -> str:
        return f"Record({self._fields!r})"


PLAIN = (bool, int, float, Decimal, date, clock_time, timedelta, type(None))
"""Values a template may hold as they are: immutable, and their methods only compute."""


def inert(value: Any, key: str = "") -> Any:
    """Return a frozen, method-free view of `value` for templates; strings remember `key`."""
    if isinstance(value, Leaf):
        return value
    if isinstance(value, str):
        return Leaf(value, key)
    if isinstance(value, datetime):
        # A fixed offset instead of a ZoneInfo: the same instant, without the zone database's
        # class methods (cache clearing, loading files) hanging off every date-time.
        offset = value.utcoffset()
        return value if offset is None else value.replace(tzinfo=timezone(offset))
    if isinstance(value, enum.Enum):
        return inert(value.value, key)
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, PurePath):
        return Record(
            {
                name: Leaf(getattr(value, name), _join(key, name))
                for name in ("name", "stem", "suffix")
            },
            text=str(value),
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record_type(type(value))(
            {
                item.name: inert(getattr(value, item.name), _join(key, item.name))
                for item in dataclasses.fields(value)
            }
        )
    if isinstance(value, Mapping):
        return Record(
            {str(name): inert(item, _join(key, str(name))) for name, item in value.items()}
        )
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(inert(item, f"{key}[{n}]") for n, item in enumerate(value, 1))
    return Leaf(str(value), key)


@functools.cache
def _record_type(kind: type) -> type[Record]:
    """Return a Record class named like `kind`, so template errors name `letters.case.Account`."""
    return type(kind.__name__, (Record,), {"__slots__": (), "__module__": kind.__module__})


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


# --- the budget of one rendering ---------------------------------------------------------------


@dataclasses.dataclass
class Budget:
    """What one rendering has used: processor time, memory made, text written, values printed."""

    deadline: float
    work: int = 0
    ticks: int = 0
    printed: dict[str, str] = dataclasses.field(default_factory=dict)

    def tick(self) -> None:
        """Fail once the rendering has used up its processor time."""
        self.ticks += 1
        # Reading the thread's clock is a system call: look every 64 steps, each bounded.
        if self.ticks % 64 == 0 and time.thread_time() > self.deadline:
            raise LimitError(
                _("the template ran past its time limit (processing time: {seconds} s)").format(
                    seconds=f"{MAX_SECONDS:g}"
                )
            )

    def spend(self, amount: int) -> None:
        """Charge `amount` bytes of made values; fail past the memory limit."""
        self.work += amount
        if self.work > MAX_WORK:
            raise LimitError(
                _("the template made more than its memory limit ({size} MB)").format(
                    size=MAX_WORK // 1_000_000
                )
            )
        self.tick()


_BUDGET: ContextVar[Budget | None] = ContextVar("letters_template_budget", default=None)


@contextmanager
def limits() -> Iterator[Budget]:
    """Render inside this block to bound time, size and memory; nested blocks share one."""
    active = _BUDGET.get()
    if active is not None:
        yield active
        return
    budget = Budget(deadline=time.thread_time() + MAX_SECONDS)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _budget() -> Budget:
    budget = _BUDGET.get()
    if budget is None:  # rendering must go through limits(); refuse to run unbounded
        raise LimitError(_("a template was rendered without limits"))
    return budget


def _too_big(what: str) -> LimitError:
    return LimitError(_("the template made a value over its size limit ({what})").format(what=what))


def _string_limit() -> LimitError:
    return _too_big(_("{count} characters").format(count=f"{MAX_STRING:,}"))


def _items_limit() -> LimitError:
    return _too_big(_("{count} items").format(count=f"{MAX_ITEMS:,}"))


def charge(value: Any) -> Any:
    """Check a value a template made against the size limits, charge it, and return it."""
    budget = _budget()
    if isinstance(value, str | bytes):
        if len(value) > MAX_STRING:
            raise _string_limit()
        budget.spend(2 * len(value) + 50)
    elif isinstance(value, list | tuple | dict | set | frozenset):
        if len(value) > MAX_ITEMS:
            raise _items_limit()
        budget.spend(8 * len(value) + 56)
    elif _digits(value) > MAX_INT_BITS:
        raise _too_big(_("{bits} bits").format(bits=MAX_INT_BITS))
    else:
        budget.tick()
    return value


def _digits(value: Any) -> int:
    """Return the bits of a whole number, or the decimal exponent of a Decimal; else 0."""
    if isinstance(value, int):
        return value.bit_length()
    if isinstance(value, Decimal) and value.is_finite():
        return abs(value.adjusted())
    return 0


def measure(value: Any) -> int:
    """Return about how many characters `str(value)` makes, stopping soon after the limit.

    Printing a list of shared strings (`["x" * 999999] * 99999`) would make one huge string
    in a single step; measuring first costs at most one look at each part, up to the limit.
    """
    total = 0
    stack = [value]
    while stack and total <= MAX_STRING:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 4
        elif isinstance(item, Record):
            stack.extend(item[name] for name in item)
            total += 2 + 8 * len(item)
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
            total += 2
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
            total += 2
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        else:
            total += 24
    return total


def _check_measure(*values: Any) -> None:
    for value in values:
        if not isinstance(value, str | int | float | Decimal | type(None)):
            _check_size(measure(value))


def _check_size(size: int) -> None:
    if size > MAX_STRING:
        raise _string_limit()


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


# --- bounds checked before a value is made -----------------------------------------------------

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def _printf_size(template: str, values: Any) -> int:
    """Return the most characters `template % values` can make, or fail on a `*` width."""
    specs = _PRINTF.findall(template)
    if isinstance(values, Mapping):
        items = list(values.values())
    elif isinstance(values, tuple):
        items = list(values)
    else:
        items = [values]
    widest = max((measure(item) * 4 + 2 for item in items), default=0)
    size = len(template)
    for width, precision, _kind in specs:
        if "*" in (width, precision):
            raise _string_limit()
        size += widest + int(width or 0) + int(precision or 0)
        if size > MAX_STRING:
            break
    return size


def _format_size(template: str, args: Any, kwargs: Any) -> int:
    """Return the most characters `template.format(...)` can make."""
    values = [*args, *kwargs.values()]
    widest = max((measure(value) * 4 + 2 for value in values), default=0)
    size = len(template)
    for _literal, field, spec, _conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if spec and "{" in spec:  # a width taken from an argument: not worth the risk
            raise _string_limit()
        size += widest + sum(int(number) for number in re.findall(r"\d+", spec or ""))
        if size > MAX_STRING:
            break
    return size


def _repeat_size(left: Any, right: Any) -> None:
    """Fail before `left * right` makes a sequence or a number over the limits."""
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, str | bytes | list | tuple) and isinstance(count, int):
            size = len(sequence) * max(count, 0)
            if isinstance(sequence, list | tuple) and size > MAX_ITEMS:
                raise _items_limit()
            _check_size(size)
            return
    bits = _digits(left) + _digits(right)
    if isinstance(left, int) and isinstance(right, int) and bits > MAX_INT_BITS:
        raise _too_big(_("{bits} bits").format(bits=MAX_INT_BITS))


def _power_size(left: Any, right: Any) -> None:
    whole = isinstance(left, int) and isinstance(right, int)
    if whole and abs(left) > 1 and right * left.bit_length() > MAX_INT_BITS:
        raise _too_big(_("{bits} bits").format(bits=MAX_INT_BITS))


def _argument_sizes(args: Iterable[Any]) -> None:
    """Fail on a width or count argument larger than any value a template may make."""
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_STRING:
            raise _string_limit()


def _method_size(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Fail before a string method makes a string over the limit."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str | bytes):
        return
    name = getattr(method, "__name__", "")
    arguments = [*args, *kwargs.values()]
    if name == "replace" and len(arguments) >= 2:
        old, new = arguments[0], arguments[1]
        count = owner.count(old) if old else len(owner) + 1
        _check_size(len(owner) + count * max(len(new) - len(old), 0))
    elif name == "expandtabs":
        width = arguments[0] if arguments else 8
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        _check_size(len(owner) + tabs * width)
    elif name == "translate" and arguments and isinstance(arguments[0], Mapping):
        longest = max((_length(item) for item in arguments[0].values()), default=1)
        _check_size(len(owner) * max(longest, 1))


# --- guarded filters ---------------------------------------------------------------------------

VERBATIM = frozenset({"pad", "join", "trim"})
"""Filters that print a case value unchanged inside their result (`trim`: when untrimmed)."""


def _filter_size(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    arguments = [*args, *kwargs.values()]
    _argument_sizes(arguments)
    _check_measure(value, *arguments)
    text = str(value) if isinstance(value, str) else ""
    if name == "indent":
        width = kwargs.get("width", args[0] if args else 4)
        unit = len(width) if isinstance(width, str) else int(width)
        _check_size(len(text) + (text.count("\n") + 1) * unit)
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = text.count(old) if old else len(text) + 1
        _check_size(len(text) + count * max(len(new) - len(old), 0))
    elif name == "wordwrap":
        wrap = kwargs.get("wrapstring", args[2] if len(args) > 2 else None) or "\n"
        _check_size(len(text) * (1 + len(str(wrap))))
    elif name == "format" and isinstance(value, str):
        _check_size(_printf_size(value, kwargs or tuple(args)))
    elif name in ("batch", "slice"):
        count = kwargs.get("linecount", kwargs.get("slices", args[0] if args else 1))
        if isinstance(count, int) and count > MAX_ITEMS:
            raise _items_limit()
    elif name == "truncate":
        end = kwargs.get("end", args[1] if len(args) > 1 else "...")
        _check_size(len(text) + len(str(end)))


def guard_filter(
    name: str, function: Callable[..., Any], formatting: bool = False
) -> Callable[..., Any]:
    """Wrap a filter so it is bounded, charged, and records the case values it prints.

    A `formatting` filter prints a case value in a fixed form (a phone number, masked): the
    formatted form is then a value that must appear verbatim too.
    """
    from jinja2.utils import _PassArg

    passes = _PassArg.from_obj(function)

    def guarded(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _budget()
        budget.tick()
        if name == "join":
            value = _measured_join(budget, value, args, kwargs)
        _filter_size(name, value, args, kwargs)
        if passes is _PassArg.context:
            result = function(context, value, *args, **kwargs)
        elif passes is _PassArg.eval_context:
            result = function(context.eval_ctx, value, *args, **kwargs)
        elif passes is _PassArg.environment:
            result = function(context.environment, value, *args, **kwargs)
        else:
            result = function(value, *args, **kwargs)
        charge(result)
        if name in VERBATIM and isinstance(result, str):
            leaves = value if name == "join" else [value]
            for leaf in leaves:
                if isinstance(leaf, Leaf) and leaf in result:
                    budget.printed.setdefault(leaf._key, str(leaf))
        elif formatting and isinstance(value, Leaf) and isinstance(result, str) and result:
            return Leaf(result, f"{value._key}|{name}")
        return result

    functools.update_wrapper(guarded, function)
    # Marked as taking the context (replacing the mark copied from `function`), so the
    # compiler never runs it at compile time, outside the limits of a rendering.
    return pass_context(guarded)


def _measured_join(
    budget: Budget, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[Any]:
    """Return the items `join` is to join, each taken once, after checking the size of what
    joining them makes."""
    items = list(value)
    separator = kwargs.get("d", args[0] if args else "")
    size = len(str(separator)) * len(items)
    for item in items:
        size += measure(item)
        _check_size(size)
        budget.tick()
    return items


@pass_context
def _guard_iteration(context: Any, iterable: Any) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget.tick()
        yield item


@pass_context
def _bounded_concat(context: Any, items: list[Any]) -> str:
    budget = _budget()
    size = 0
    for item in items:
        size += measure(item)
        _check_size(size)
        budget.tick()
    join = markup_join if context.eval_ctx.autoescape else str_join
    return charge(join(items))


class _Guard(NodeTransformer):
    """Route every loop through a ticking iterator and every `~` through a bounded join."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(
            node.iter, "_guard_iteration", [], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        items = nodes.List(list(node.nodes), lineno=node.lineno)
        return nodes.Filter(items, "_bounded_concat", [], [], None, None, lineno=node.lineno)


def _bounded_output(chunks: Iterable[str]) -> str:
    """Join rendered text, counting it while it streams; fail past the output limit."""
    budget = _budget()
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise LimitError(
                _("the template wrote more than its output limit ({count} characters)").format(
                    count=f"{MAX_OUTPUT:,}"
                )
            )
        budget.tick()
        parts.append(chunk)
    text = "".join(parts)
    budget.spend(len(text))
    return text


def _finalize(value: Any) -> Any:
    """Record a case value printed by `{{ … }}` and count what is printed."""
    budget = _BUDGET.get()
    if budget is None:  # a constant, printed at compile time
        return value
    if isinstance(value, Leaf):
        budget.printed.setdefault(value._key, str(value))
    if isinstance(value, str):
        budget.spend(2 * len(value) + 50)
    else:
        _check_size(measure(value))
        budget.spend(50)
    return value


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    from jinja2.utils import generate_lorem_ipsum

    if n > 50 or max > 1000 or min > max:
        raise _string_limit()
    return generate_lorem_ipsum(n, html, min, max)


MARKUP_FILTERS = ("safe", "escape", "e", "forceescape", "tojson", "urlize", "xmlattr")
"""Filters that return markup (text the output takes as written, unescaped): refused where
the output is a document's XML, in which a template must only ever write text."""


MAX_COMPILED = 256
"""The most compiled templates kept in a process (a built-in set has about 20; DOCX layouts
add their XML parts): enough for a batch over every kind and language, bounded for a server."""
_COMPILED: dict[tuple[Any, ...], CodeType] = {}
_COMPILED_LOCK = threading.Lock()  # the browser app renders in several threads


class Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every way to make big values bounded and charged."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    concat = staticmethod(_bounded_output)

    def __init__(self, *, markup: bool = True, **options: Any) -> None:
        super().__init__(finalize=_finalize, **options)
        self.markup = markup
        if not markup:
            for name in MARKUP_FILTERS:
                del self.filters[name]
        self.filters = {name: guard_filter(name, f) for name, f in self.filters.items()}
        self.filters["_guard_iteration"] = _guard_iteration
        self.filters["_bounded_concat"] = _bounded_concat
        self.globals["lipsum"] = _lipsum

    def add_filters(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        """Add formatting filters, each bounded like the built-in ones."""
        self.filters.update({name: guard_filter(name, f, True) for name, f in filters.items()})

    def compile(  # type: ignore[override]
        self,
        source: str | nodes.Template,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> str | CodeType:
        """Compile a template's source, once per process for the same source and settings.

        A batch of cases renders the same few templates again and again, each time in a new
        environment (its filters know the case), and compiling costs more than rendering.
        The code depends only on the source, its name and how the sandbox is set up, never on
        the values rendered, so it is shared; a changed file is a new source, compiled anew.
        """
        if raw:
            return super().compile(source, name, filename, True, defer_init)
        if not isinstance(source, str):
            return super().compile(source, name, filename, False, defer_init)
        key = (self._settings(), name, filename, defer_init, source)
        with _COMPILED_LOCK:
            code = _COMPILED.get(key)
        if code is None:
            code = super().compile(source, name, filename, False, defer_init)
            with _COMPILED_LOCK:
                if len(_COMPILED) >= MAX_COMPILED:
                    del _COMPILED[next(iter(_COMPILED))]  # the oldest goes first
                _COMPILED[key] = code
        return code

    def _settings(self) -> tuple[Any, ...]:
        """Return all that the compiled code of a source depends on besides the source."""
        return (
            type(self),
            self.markup,
            self.autoescape,
            self.finalize,
            tuple(sorted(self.filters)),
            tuple(sorted(self.tests)),
            tuple(sorted(self.extensions)),
            self.block_start_string,
            self.block_end_string,
            self.variable_start_string,
            self.variable_end_string,
            self.comment_start_string,
            self.comment_end_string,
            self.line_statement_prefix,
            self.line_comment_prefix,
            self.trim_blocks,
            self.lstrip_blocks,
            self.newline_sequence,
            self.keep_trailing_newline,
            self.optimized,
            self.is_async,
        )

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if not self.markup:
            modifiers = (nodes.EvalContextModifier, nodes.ScopedEvalContextModifier)
            for node in tree.find_all(modifiers):
                message = _(
                    "this template may not turn escaping off ({tag}): it writes the XML of a "
                    "document"
                ).format(tag="{% autoescape %}")
                raise TemplateSyntaxError(message, node.lineno, name, filename)
        tree = _Guard().visit(tree)
        tree.set_environment(self)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Bound an operator's result before making it, then charge it."""
        _budget().tick()
        if operator == "*":
            _repeat_size(left, right)
        elif operator == "**":
            _power_size(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_size(_printf_size(left, right))
        return charge(super().call_binop(context, operator, left, right))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse, where a template may not make markup, the one method of escaped text
        (`Markup.translate`) whose argument is not escaped: it could turn `&lt;` back to `<`."""
        if not self.markup and isinstance(obj, Markup) and attr == "translate":
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Read an attribute, ticking the clock."""
        budget = _BUDGET.get()
        if budget is not None:
            budget.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Read an item, ticking the clock."""
        budget = _BUDGET.get()
        if budget is not None:
            budget.tick()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a function or method, bounding what it makes."""
        _budget().tick()
        _argument_sizes([*args, *kwargs.values()])
        _check_measure(*args, *kwargs.values())
        _method_size(__obj, args, kwargs)
        owner = getattr(__obj, "__self__", None)
        if getattr(__obj, "__name__", "") == "join" and isinstance(owner, str) and args:
            items = list(args[0])
            size = len(owner) * len(items)
            for item in items:
                size += measure(item)
                _check_size(size)
            args = (items, *args[1:])
        return charge(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Return `str.format` sandboxed by Jinja, with its result bounded before it is made."""
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        template, mapping = value.__self__, value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if mapping:
                _check_size(_format_size(template, (), args[0] if args else {}))
            else:
                _check_size(_format_size(template, args, kwargs))
            return charge(wrapper(*args, **kwargs))

        return functools.update_wrapper(bounded, value)
