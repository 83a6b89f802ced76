// Small behaviours of the supervision pages (no inline scripts: the CSP forbids them).
const printButton = document.getElementById("print-button");
if (printButton) printButton.addEventListener("click", () => window.print());
