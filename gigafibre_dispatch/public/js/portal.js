// The technician portal (/t/<token>, www/t.html): every action is a lifecycle command through
// gigafibre_dispatch.api.portal, with one Idempotency-Key per intended action. Plain script, no build step.
(() => {
	const main = document.querySelector("main[data-token]");
	const card = document.getElementById("job");
	// Offers on the list page: accept or decline, one Idempotency-Key per tap kept across its retries.
	for (const el of document.querySelectorAll(".offer[data-offer]")) {
		for (const b of el.querySelectorAll("button[data-accept]")) {
			const key = gigafibre_dispatch.uuid4();
			b.onclick = async () => {
				el.querySelectorAll("button").forEach((x) => (x.disabled = true));
				const r = await fetch("/api/method/gigafibre_dispatch.api.portal.offer", { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key }, body: JSON.stringify({ token: main.dataset.token, offer: el.dataset.offer, accept: b.dataset.accept }) });
				const d = await r.json().catch(() => ({}));
				const t = document.getElementById("toast");
				const ok = r.ok && d.data;
				t.textContent = ok ? (d.data.status === "accepted" ? "Offre acceptée : la tâche sera ici une fois publiée" : "Offre refusée") : (d.error && d.error.message) || "Erreur";
				t.className = ok ? "ok" : "err";
				t.style.display = "block";
				setTimeout(() => location.reload(), 900);
			};
		}
	}
	if (!main || !card) return;
	const token = main.dataset.token, job = card.dataset.job;
	const toast = (msg, ok) => { const t = document.getElementById("toast"); t.textContent = msg; t.className = ok ? "ok" : "err"; t.style.display = "block"; setTimeout(() => t.style.display = "none", 4000); };
	const uuid = gigafibre_dispatch.uuid4;
	async function post(method, body, key) {
		const r = await fetch(`/api/method/gigafibre_dispatch.api.portal.${method}`, { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key || uuid() }, body: JSON.stringify({ token, job, ...body }) });
		const data = await r.json().catch(() => ({}));
		if (!r.ok) throw new Error((data.error && data.error.message) || "Erreur");
		return data.data;
	}
	// One key per intended action, kept across retries of the same tap.
	const statusFr = JSON.parse(main.dataset.statusFr || "{}");
	async function command(cmd, payload, key) { const d = await post("act", { command: cmd, payload }, key); const el = document.getElementById("status"); el.dataset.status = d.status; el.textContent = statusFr[d.status] || d.status; return d; }
	// On my way: the phone's position (when it gives one within 4 s) starts the customer's arrival estimate.
	const enroute = document.getElementById("enroute");
	const position = () => new Promise((resolve) => {
		if (!navigator.geolocation) return resolve({});
		navigator.geolocation.getCurrentPosition((p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }), () => resolve({}), { timeout: 4000, maximumAge: 60000 });
	});
	if (enroute) { const key = uuid(); enroute.onclick = async () => { enroute.disabled = true; try { const d = await command("tech_en_route", await position(), key); toast(d.eta ? `Client avisé : arrivée vers ${d.eta.slice(11, 16).replace(":", " h ")}` : "En route enregistré", true); setTimeout(() => location.reload(), 900); } catch (e) { toast(e.message); enroute.disabled = false; } }; }
	const checkin = document.getElementById("checkin");
	if (checkin) { const key = uuid(); checkin.onclick = async () => { checkin.disabled = true; try { await command("tech_check_in", {}, key); toast("Arrivée enregistrée", true); setTimeout(() => location.reload(), 600); } catch (e) { toast(e.message); checkin.disabled = false; } }; }
	const photo = document.getElementById("photo");
	if (photo) photo.onchange = async () => {
		const file = photo.files[0]; if (!file) return;
		const dataUrl = await new Promise(res => { const fr = new FileReader(); fr.onload = () => res(fr.result); fr.readAsDataURL(file); });
		try {
			const up = await post("upload", { filename: file.name, data_url: dataUrl });
			await command("evidence_add", { kind: "photo", file_url: up.file_url });
			const c = document.getElementById("evidence-count"); c.textContent = (parseInt(c.textContent) + 1) + " pièce(s) jointe(s)";
			toast("Photo ajoutée", true);
		} catch (e) { toast(e.message); }
	};
	const equipment = document.getElementById("equipment");
	if (equipment) {
		const $ = (id) => document.getElementById(id);
		const get = async (method, params) => { const r = await fetch(`/api/method/gigafibre_dispatch.api.portal.${method}?` + new URLSearchParams({ token, ...params })); const d = await r.json(); if (!r.ok) throw new Error((d.error && d.error.message) || "Erreur"); return d.data; };
		const li = (text, button) => { const el = document.createElement("li"); el.textContent = text; if (button) el.appendChild(button); return el; };
		async function refresh() {
			const rows = await get("equipment_on_site", { job });
			$("on-site").replaceChildren(...rows.map((e) => { const b = document.createElement("button"); b.className = "secondary"; b.textContent = "Retirer"; b.onclick = async () => { try { await command("equipment_remove", { serial_no: e.serial_no, reason: "Retiré sur place" }); toast("Équipement retiré", true); refresh(); } catch (err) { toast(err.message); } }; return li(`${e.equipment_type} ${e.serial_no} ${e.mac_address || ""}`, b); }));
		}
		refresh().catch(() => {});
		get("catalog", {}).then((items) => $("eq-catalog").replaceChildren(...items.map((i) => { const o = document.createElement("option"); o.value = i.item_name; return o; }))).catch(() => {});
		let timer;
		$("eq-search").oninput = () => { clearTimeout(timer); timer = setTimeout(async () => { const q = $("eq-search").value.trim(); if (q.length < 3) { $("eq-results").replaceChildren(); return; } const rows = await get("equipment_search", { q, job }); $("eq-results").replaceChildren(...rows.map((e) => li(`${e.serial_no} · ${e.mac_address || "—"} · ${e.equipment_type} (${e.status === "Installed" ? "installé" : "retiré"})`))); }, 300); };
		$("eq-install").onclick = async () => {
			const payload = { equipment_type: $("eq-type").value.trim(), serial_no: $("eq-serial").value.trim() };
			for (const [f, id] of [["brand", "eq-brand"], ["model", "eq-model"], ["mac_address", "eq-mac"]]) { const v = $(id).value.trim(); if (v) payload[f] = v; }
			try { await command("equipment_install", payload); toast("Équipement installé", true); ["eq-type", "eq-brand", "eq-model", "eq-serial", "eq-mac"].forEach((id) => $(id).value = ""); refresh(); } catch (err) { toast(err.message); }
		};
		$("scan-save").onclick = async () => { const code = $("scan-code").value.trim(); if (!code) return; try { await command("scan_record", { code }); toast("Code enregistré", true); $("scan-code").value = ""; } catch (err) { toast(err.message); } };
		$("eq-photo").onchange = async () => {
			const file = $("eq-photo").files[0]; if (!file) return;
			const dataUrl = await new Promise((res) => { const fr = new FileReader(); fr.onload = () => res(fr.result); fr.readAsDataURL(file); });
			try {
				const r = await post("vision", { data_url: dataUrl, mode: "equipment" });
				if (!r.available) { $("eq-vision").textContent = "Lecture automatique indisponible : saisissez les champs."; return; }
				const label = (r.labels || [])[0];
				if (!label) { $("eq-vision").textContent = "Aucune étiquette lue : saisissez les champs."; return; }
				$("eq-type").value = label.equipment_type || ""; $("eq-brand").value = label.brand || ""; $("eq-model").value = label.model || ""; $("eq-serial").value = label.serial_no || ""; $("eq-mac").value = label.mac_address || "";
				$("eq-vision").textContent = `${r.labels.length} étiquette(s) lue(s) : vérifiez puis installez.`;
			} catch (err) { toast(err.message); }
		};
	}
	const canvas = document.getElementById("signature");
	let drawn = false;
	if (canvas) {
		const ctx = canvas.getContext("2d"); ctx.lineWidth = 3; ctx.lineCap = "round";
		let down = false;
		const pos = e => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
		canvas.onpointerdown = e => { down = true; ctx.beginPath(); ctx.moveTo(...pos(e)); };
		canvas.onpointermove = e => { if (down) { ctx.lineTo(...pos(e)); ctx.stroke(); drawn = true; } };
		window.addEventListener("pointerup", () => down = false);
		document.getElementById("clear-signature").onclick = () => { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; };
	}
	const complete = document.getElementById("complete");
	if (complete) { const key = uuid(); complete.onclick = async () => {
		complete.disabled = true;
		try {
			const payload = {};
			const notes = document.getElementById("notes").value.trim(); if (notes) payload.completion_notes = notes;
			const reason = document.getElementById("no-signature").value.trim();
			if (drawn) { const up = await post("upload", { filename: "signature.png", data_url: canvas.toDataURL("image/png") }); payload.signature_url = up.file_url; }
			else if (reason) payload.no_signature_reason = reason;
			await command("tech_complete", payload, key);
			toast("Tâche terminée. Merci!", true);
			setTimeout(() => location.reload(), 800);
		} catch (e) { toast(e.message); complete.disabled = false; }
	}; }
})();
