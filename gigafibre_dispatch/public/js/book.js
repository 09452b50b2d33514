// The customer's booking page (/book/<token>, templates/customer/book.html): pick a slot, confirm; the server
// books it through the lifecycle commands. A slot taken meanwhile comes back with the slots free now. Plain
// script, no build step.
(() => {
	const main = document.querySelector("main[data-token]");
	const confirm = document.getElementById("confirm");
	const message = document.getElementById("message");
	if (!main || !confirm) return;
	let picked = null;
	const show = (text, ok) => { message.textContent = text; message.className = ok ? "ok" : "err"; };
	function bind() {
		for (const b of document.querySelectorAll("button.slot")) {
			b.onclick = () => {
				document.querySelectorAll("button.slot").forEach((x) => x.setAttribute("aria-pressed", "false"));
				b.setAttribute("aria-pressed", "true");
				picked = { technician: b.dataset.technician, start: b.dataset.start };
				confirm.disabled = false;
			};
		}
	}
	function redraw(slots) {
		const box = document.getElementById("slots");
		box.replaceChildren(...slots.map((s) => {
			const b = document.createElement("button");
			b.type = "button"; b.className = "slot"; b.setAttribute("aria-pressed", "false");
			b.dataset.technician = s.technician; b.dataset.start = s.start;
			b.textContent = s.label + (s.first_name ? ` · ${s.first_name}` : "");
			return b;
		}));
		picked = null; confirm.disabled = true; bind();
	}
	bind();
	confirm.onclick = async () => {
		if (!picked) return;
		confirm.disabled = true;
		const r = await fetch("/api/method/gigafibre_dispatch.api.customer.book", {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ token: main.dataset.token, lang: main.dataset.lang, ...picked }),
		}).catch(() => null);
		const d = r ? await r.json().catch(() => ({})) : {};
		if (r && r.ok && d.data) { show(d.data.message, true); setTimeout(() => location.reload(), 1200); return; }
		const error = d.error || {};
		show(error.message || "Error", false);
		if (r && r.status === 409 && Array.isArray(error.slots)) redraw(error.slots);
		else confirm.disabled = false;
	};
})();
