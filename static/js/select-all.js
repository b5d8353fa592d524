// A "choose everyone on this page" box for a list of checkboxes: shown only when this script
// runs (the page's own "change all on this page" button does the same without it). The box
// carries data-select-all="<checkbox name>" and sits, hidden, inside the form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    const form = box.closest("form");
    const name = box.getAttribute("data-select-all");
    const boxes = () => form.querySelectorAll(`input[type=checkbox][name="${name}"]`);
    box.closest("[hidden]")?.removeAttribute("hidden");
    box.addEventListener("change", () => {
      boxes().forEach((each) => { each.checked = box.checked; });
    });
    form.addEventListener("change", (event) => {
      if (event.target === box) return;
      const all = [...boxes()];
      box.checked = all.length > 0 && all.every((each) => each.checked);
    });
  });
});
