// Home page: each dependency's state from /health (pt-BR); the dashboard lives at /dashboard/.
const names = {
  kafka: "Kafka",
  schemaRegistry: "Registro de schemas",
  clickhouse: "ClickHouse",
  s3: "Armazenamento S3",
};
async function refresh() {
  const ul = document.getElementById("deps");
  try {
    const res = await fetch("/health");
    const body = await res.json();
    ul.replaceChildren(
      ...Object.entries(body.checks).map(([k, v]) => {
        const li = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = names[k] ?? k;
        const state = document.createElement("span");
        state.className = v.ok ? "ok" : "down";
        state.textContent = v.ok ? `no ar (${v.latencyMs} ms)` : "fora do ar";
        li.append(name, state);
        return li;
      }),
    );
  } catch {
    ul.replaceChildren(Object.assign(document.createElement("li"), { textContent: "API indisponível" }));
  }
}
refresh();
setInterval(refresh, 5000);
