// A little help on top of pages that work without JavaScript: confirmation for irreversible
// actions, and a guard against double submits (the idempotency key already makes them harmless).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // After the browser has read the form, so the pressed button's value still goes with it.
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
    }
  }, 0);
});
