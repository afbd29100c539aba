// The printable e-form: the button prints, and the form never submits (no inline handlers: the
// Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.eform-print")) {
    form.addEventListener("submit", (event) => event.preventDefault());
  }
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
