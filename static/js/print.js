// Print buttons (data-print): shown and wired only when script runs, because the
// Content-Security-Policy forbids inline handlers such as onclick. Without script the browser's
// own print command still works.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
