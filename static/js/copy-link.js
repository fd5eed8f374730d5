// Preview links on the article form: "Copy" puts the link on the clipboard (a static file,
// so the admin's Content-Security-Policy stays 'self'; without script the field is still
// there to select and copy).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const said = button.parentElement.querySelector("output");
  const copied = () => { if (said) said.textContent = "Copied"; };
  field.select();
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(copied, () => {
      if (document.execCommand("copy")) copied();
    });
  } else if (document.execCommand("copy")) {
    copied();
  }
});
