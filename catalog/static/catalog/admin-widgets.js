// Start Wagtail's date, date-time and time choosers that catalog/templates/wagtailadmin/widgets/
// render without an inline script: the admin's Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-archive-chooser]").forEach((input) => {
        const start = window[input.dataset.archiveChooser];
        if (typeof start === "function") {
            start(input.id, JSON.parse(input.dataset.archiveChooserConfig || "{}"));
        }
    });
});
