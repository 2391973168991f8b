// The upload page: dropped files go into the file input itself; no library needed.
document.querySelectorAll("[data-drop-zone]").forEach((zone) => {
    const input = zone.querySelector("input[type=file]");
    const list = zone.querySelector("[data-drop-list]");
    const show = () => { list.textContent = Array.from(input.files).map((f) => f.name).join("、"); };
    ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("is-over"); }));
    ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, () => zone.classList.remove("is-over")));
    zone.addEventListener("drop", (e) => { e.preventDefault(); input.files = e.dataTransfer.files; show(); });
    input.addEventListener("change", show);
});
