// newsgraph: a little behaviour on top of server-rendered pages.
// Data comes from data-* attributes and JSON endpoints; text goes into the page
// through textContent only (never innerHTML), so nothing from a document runs.
"use strict";

// Document page: pointing at a fact in the side list lights up its evidence.
function linkFactsToEvidence() {
  const marks = Array.from(document.querySelectorAll("mark.ev"));
  document.querySelectorAll("[data-fact]").forEach((item) => {
    const index = item.dataset.fact;
    const light = (on) => marks.forEach((mark) => {
      if ((mark.dataset.facts || "").split(" ").includes(index)) mark.classList.toggle("hot", on);
    });
    item.addEventListener("mouseenter", () => light(true));
    item.addEventListener("mouseleave", () => light(false));
  });
}

// Graph drawings: pointing at a node dims what is not connected to it.
function focusGraphNodes() {
  document.querySelectorAll("svg.graph").forEach((svg) => {
    const edges = Array.from(svg.querySelectorAll("line.edge"));
    const nodes = Array.from(svg.querySelectorAll("[data-node]"));
    nodes.forEach((node) => {
      node.addEventListener("mouseenter", () => {
        const id = node.dataset.node;
        const near = new Set([id]);
        edges.forEach((edge) => {
          const ends = (edge.dataset.ends || "").split(" ");
          const touches = ends.includes(id);
          edge.classList.toggle("dim", !touches);
          if (touches) ends.forEach((end) => near.add(end));
        });
        nodes.forEach((other) => other.classList.toggle("dim", !near.has(other.dataset.node)));
      });
      node.addEventListener("mouseleave", () => {
        svg.querySelectorAll(".dim").forEach((el) => el.classList.remove("dim"));
      });
    });
  });
}

// Filter forms: a changed select applies at once.
function autosubmit() {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
}

// Job page: follow the ingest job through /api/jobs/{id} until it ends.
function followJob() {
  const box = document.getElementById("job");
  if (!box) return;
  const id = box.dataset.job;
  const show = (job) => {
    box.querySelector(".job-status").textContent = job.status;
    box.querySelector(".job-pages").textContent = String(job.pages_done);
    box.querySelector(".job-total").textContent = job.pages_total === null ? "?" : String(job.pages_total);
    const bar = box.querySelector(".job-progress");
    bar.max = Math.max(1, job.pages_total || 1);
    bar.value = job.pages_done;
    box.dataset.status = job.status;
    replaceList(box.querySelector(".job-documents"), job.documents, (docId, i) => {
      const link = document.createElement("a");
      link.href = "/documents/" + encodeURIComponent(docId).replace(/%3A/g, ":");
      link.textContent = "document " + (i + 1);
      return link;
    });
    replaceList(box.querySelector(".job-errors"), job.errors, (error) => document.createTextNode(error));
  };
  const poll = () => {
    fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((job) => {
        show(job);
        if (job.status === "queued" || job.status === "running") setTimeout(poll, 500);
      })
      .catch(() => setTimeout(poll, 2000));
  };
  if (box.dataset.status === "queued" || box.dataset.status === "running") poll();
}

function replaceList(list, items, build) {
  list.replaceChildren(...items.map((item, i) => {
    const li = document.createElement("li");
    li.appendChild(build(item, i));
    return li;
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  linkFactsToEvidence();
  focusGraphNodes();
  autosubmit();
  followJob();
  const target = document.getElementById("target");
  if (target) target.scrollIntoView({ block: "nearest" });
});
