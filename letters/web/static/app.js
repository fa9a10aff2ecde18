// Conveniences only: every page works without this file.
"use strict";

// Dropping files on the evidence form puts them in its file field.
const drop = document.getElementById("drop");
if (drop) {
  const input = drop.querySelector("input[type=file]");
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change"));
    }
  });
}

// The bundle's progress bar moves without reloading the page; the page reloads when done.
const bar = document.querySelector("progress[data-poll]");
if (bar) {
  const poll = async () => {
    try {
      const response = await fetch(bar.dataset.poll, { credentials: "same-origin" });
      const state = await response.json();
      bar.value = state.percent;
      if (state.finished) { window.location.reload(); return; }
    } catch (error) { /* the page's own refresh takes over */ }
    setTimeout(poll, 500);
  };
  setTimeout(poll, 300);
}

// The new-case form checks each answer when the user leaves the field, with the same checks the
// form's own submission uses; the note appears beside the field, as after a submission.
const form = document.getElementById("new-case");
if (form) {
  const csrf = form.querySelector("input[name=csrf]").value;
  for (const input of form.querySelectorAll("input[data-check]")) {
    input.addEventListener("change", async () => {
      const body = new URLSearchParams({ csrf, name: input.name, value: input.value });
      let state;
      try {
        const response = await fetch("/check", { method: "POST", body, credentials: "same-origin" });
        state = await response.json();
      } catch (error) { return; }
      const id = input.id + "-error";
      let note = document.getElementById(id);
      if (state.problem) {
        if (!note) {
          note = document.createElement("p");
          note.className = "error";
          note.id = id;
          input.after(note);
        }
        note.textContent = state.problem;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", id);
      } else {
        if (note) { note.remove(); }
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    });
  }
}

// Move to the first answer that needs another look.
const wrong = document.querySelector("[aria-invalid=true]");
if (wrong) { wrong.focus(); }

// A form that removes something asks first (without this file, it removes at once).
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
}
