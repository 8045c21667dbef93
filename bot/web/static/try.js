// The /try page: served as a file, so the Content-Security-Policy allows no inline script.
const log = document.getElementById("log");
function add(el) { log.appendChild(el); window.scrollTo(0, document.body.scrollHeight); }
function bubble(text, who) { const d = document.createElement("div"); d.className = "msg " + who; d.textContent = text; add(d); }
function choices(list) {
  const box = document.createElement("div"); box.className = "choices";
  for (const c of list) {
    const b = document.createElement("button"); b.type = "button"; b.textContent = c.label;
    b.addEventListener("click", () => { box.remove(); say({data: c.data}, c.label); });
    box.appendChild(b);
  }
  add(box);
}
function card(r) {
  const d = document.createElement("div"); d.className = "card";
  const h = document.createElement("h2"); h.textContent = r.title; d.appendChild(h);
  const t = document.createElement("table");
  for (const [k, v] of r.rows) {
    const tr = t.insertRow(); const th = document.createElement("th"); th.textContent = k; tr.appendChild(th);
    tr.insertCell().textContent = v;
  }
  d.appendChild(t); add(d);
}
function show(r) {
  if (r.type === "card") { card(r); } else { bubble(r.text, "bot"); }
  if (r.choices && r.choices.length) choices(r.choices);
}
async function say(body, echo) {
  if (echo) bubble(echo, "me");
  document.querySelectorAll(".choices").forEach(e => e.remove());
  const res = await fetch("/try/say", {method: "POST", headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify(body)});
  if (res.status === 429) { bubble("ただいま混み合っています。しばらく時間をおいてから、もう一度お送りください。", "bot"); return; }
  if (res.status === 413) { bubble("メッセージが長すぎます。短く分けてお送りください。", "bot"); return; }
  if (!res.ok) { bubble("通信に失敗しました。もう一度お試しください。", "bot"); return; }
  (await res.json()).replies.forEach(show);
}
document.getElementById("form").addEventListener("submit", e => {
  e.preventDefault(); const i = document.getElementById("text"); const v = i.value.trim();
  if (v) { i.value = ""; say({text: v}, v); }
});
say({start: true});
