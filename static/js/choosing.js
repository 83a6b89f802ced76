// Choosing files to attach: the paperclip button (a file picker), a paste into the text box, files dropped anywhere
// on `zone`. All feed `onFiles`. Small and separate from ./attachments.js, which the widget loads only once it is
// online (docs/widget.md): the doors are open from the first moment.
export function wireChoosing({ button, picker, textbox, zone, onFiles }) {
  button.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    onFiles([...picker.files]);
    picker.value = "";
  });
  textbox.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files || [])];
    if (!files.length) return; // plain text pastes as usual
    event.preventDefault();
    onFiles(files);
  });
  zone.addEventListener("dragover", (event) => {
    if (![...(event.dataTransfer?.types || [])].includes("Files")) return;
    event.preventDefault();
    zone.classList.add("att-dropping");
  });
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("att-dropping");
  });
  zone.addEventListener("drop", (event) => {
    zone.classList.remove("att-dropping");
    if (!event.dataTransfer?.files?.length) return;
    event.preventDefault();
    onFiles([...event.dataTransfer.files]);
  });
}
