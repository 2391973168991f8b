// Counter screen: keyboard first. "/" goes to the search box anywhere; in the
// page viewer ←/→ (PageUp/PageDown) turn pages, + and - zoom, 0 fits, R rotates,
// T shows or hides the text, P prints a certified copy.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && !typing(e)) {
      var q = document.getElementById("ct-q");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
    }
  });

  var viewer = document.querySelector(".ct-viewer");
  if (!viewer) { return; }
  // Search hits boxed on the page: percentages of the image, from data attributes.
  document.querySelectorAll(".ct-hits[data-share]").forEach(function (hits) {
    hits.style.height = "calc(" + hits.dataset.share + " * 100%)";
  });
  document.querySelectorAll(".ct-hit-box[data-box]").forEach(function (box) {
    var b = box.dataset.box.split(" ");
    box.style.left = b[0] + "%"; box.style.top = b[1] + "%";
    box.style.width = b[2] + "%"; box.style.height = b[3] + "%";
  });
  var sheets = Array.prototype.slice.call(document.querySelectorAll(".ct-sheet"));
  var texts = Array.prototype.slice.call(document.querySelectorAll(".ct-text"));
  var thumbs = Array.prototype.slice.call(document.querySelectorAll(".ct-thumb"));
  var stage = viewer.querySelector(".ct-stage");
  var numbers = sheets.map(function (s) { return parseInt(s.dataset.page, 10); });
  var index = Math.max(0, numbers.indexOf(parseInt(viewer.dataset.start, 10)));
  var zoom = 1, rotation = 0;

  function apply() {
    stage.style.transform = "scale(" + zoom + ") rotate(" + rotation + "deg)";
    if (rotation === 90) { stage.style.transformOrigin = "top left"; stage.style.translate = "calc(100% * " + zoom + ") 0"; }
    else if (rotation === 180) { stage.style.transformOrigin = "center"; stage.style.translate = "0 0"; }
    else if (rotation === 270) { stage.style.transformOrigin = "top left"; stage.style.translate = "0 calc(100% * " + zoom + ")"; }
    else { stage.style.transformOrigin = "top left"; stage.style.translate = "0 0"; }
    viewer.querySelector(".ct-zoom").textContent = Math.round(zoom * 100) + "%";
  }
  function show(i) {
    index = Math.min(Math.max(i, 0), sheets.length - 1);
    sheets.forEach(function (s, k) {
      s.hidden = k !== index;
      if (k === index) {
        var img = s.querySelector("img[data-src]");
        if (img && !img.getAttribute("src")) { img.setAttribute("src", img.dataset.src); }
      }
    });
    texts.forEach(function (t, k) { t.hidden = k !== index; });
    thumbs.forEach(function (t, k) { t.classList.toggle("ct-current", k === index); });
    viewer.querySelector(".ct-pageno").textContent = numbers[index] + " / " + numbers.length;
    var url = new URL(window.location.href);
    url.searchParams.set("p", numbers[index]);
    window.history.replaceState(null, "", url);
  }
  var actions = {
    prev: function () { show(index - 1); },
    next: function () { show(index + 1); },
    "zoom-in": function () { zoom = Math.min(4, zoom * 1.25); apply(); },
    "zoom-out": function () { zoom = Math.max(0.25, zoom / 1.25); apply(); },
    fit: function () { zoom = 1; rotation = 0; apply(); },
    rotate: function () { rotation = (rotation + 90) % 360; apply(); },
    text: function () { document.body.classList.toggle("ct-text-hidden"); }
  };
  viewer.querySelector(".ct-toolbar").addEventListener("click", function (e) {
    var act = e.target.closest("button") && e.target.closest("button").dataset.act;
    if (act && actions[act]) { actions[act](); }
  });
  thumbs.forEach(function (t, k) {
    t.addEventListener("click", function (e) { e.preventDefault(); show(k); });
  });
  var keys = { ArrowLeft: "prev", PageUp: "prev", ArrowRight: "next", PageDown: "next",
               "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "fit", r: "rotate", R: "rotate",
               t: "text", T: "text" };
  document.addEventListener("keydown", function (e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (keys[e.key]) { e.preventDefault(); actions[keys[e.key]](); }
    else if ((e.key === "p" || e.key === "P") && document.getElementById("ct-copy")) {
      e.preventDefault(); window.location.href = document.getElementById("ct-copy").href;
    }
  });
  apply();
  show(index);
})();
