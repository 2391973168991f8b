// The batch page: refresh the table every two seconds until every file is done.
(function () {
    const root = document.querySelector("[data-batch-url]");
    if (!root) return;
    const cell = (text) => { const td = document.createElement("td"); td.textContent = text; return td; };
    async function refresh() {
        const data = await (await fetch(root.dataset.batchUrl, {credentials: "same-origin"})).json();
        root.querySelector("[data-pages]").textContent = `${data.pages_done} / ${data.pages_total}`;
        const bar = root.querySelector("[data-bar]");
        bar.max = data.pages_total || 1; bar.value = data.pages_done;
        const body = root.querySelector("[data-rows]");
        body.replaceChildren(...data.items.map((r) => {
            const tr = document.createElement("tr");
            tr.append(cell(r.source), cell(r.archive_code || "—"), cell(r.status_label),
                      cell(`${r.pages_done} / ${r.pages_total}`), cell(r.errors.join("；")));
            return tr;
        }));
        if (!data.finished) setTimeout(refresh, 2000);
    }
    if (!("finished" in root.dataset)) setTimeout(refresh, 2000);
})();
