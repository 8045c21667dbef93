// The print view's button (a file, not an inline handler: the Content-Security-Policy allows no inline script).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
