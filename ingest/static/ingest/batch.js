// The batch page: refresh the table every two seconds until every file is done.
(function () {
    const root = document.querySelector("[data-batch-url]");
    if (!root) return;
    const cell = (text) => { const td = document.createElement("td"); td.textContent = text; return td; };
    // A record waiting for review keeps its link to the review form (the URL's 0 is its id).
    const status = (r) => {
        if (r.status !== "needs_review" || !r.record_id || !root.dataset.reviewUrl) return cell(r.status_label);
        const td = document.createElement("td"), a = document.createElement("a");
        a.href = root.dataset.reviewUrl.replace(/\/0\/$/, `/${r.record_id}/`);
        a.textContent = r.status_label; td.append(a); return td;
    };
    async function refresh() {
        const data = await (await fetch(root.dataset.batchUrl, {credentials: "same-origin"})).json();
        root.querySelector("[data-pages]").textContent = `${data.pages_done} / ${data.pages_total}`;
        const bar = root.querySelector("[data-bar]");
        bar.max = data.pages_total || 1; bar.value = data.pages_done;
        const body = root.querySelector("[data-rows]");
        body.replaceChildren(...data.items.map((r) => {
            const tr = document.createElement("tr");
            tr.append(cell(r.source), cell(r.archive_code || "—"), status(r),
                      cell(`${r.pages_done} / ${r.pages_total}`), cell(r.errors.join("；")));
            return tr;
        }));
        if (!data.finished) setTimeout(refresh, 2000);
    }
    if (!("finished" in root.dataset)) setTimeout(refresh, 2000);
})();
