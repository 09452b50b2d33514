// The technician portal at a phone viewport: open the link, tap "En route" (the customer's SMS and their status
// page /c/<token> checked, French and English), check in, add a photo, sign, complete.
//   FIXTURE='{"link": "...", "expired": "...", "job": "..."}' BASE_URL=http://127.0.0.1:8000 node e2e/portal.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { deflateSync } from "node:zlib";

const BASE = process.env.BASE_URL || "http://127.0.0.1:8000";
const OUT = process.env.OUT || "/tmp/e2e";
const F = JSON.parse(process.env.FIXTURE);
mkdirSync(OUT, { recursive: true });
const fail = (msg) => { console.error("FAIL:", msg); process.exitCode = 1; };

function png(w, h) {
	// A small valid PNG, made here (a "photo" of a grey square).
	const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
	const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
	const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
	const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
	const raw = Buffer.alloc((w * 3 + 1) * h, 120); for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
	return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "fr-CA", permissions: ["geolocation"], geolocation: { latitude: 45.56, longitude: -73.66 } });
const page = await context.newPage();
try {
	await page.goto(`${BASE}/t/${F.link}`);
	await page.screenshot({ path: `${OUT}/portal-list.png`, fullPage: true });
	await page.locator("a.job", { hasText: "Installation fibre" }).click();
	await page.locator("#checkin").waitFor();
	await page.screenshot({ path: `${OUT}/portal-detail.png`, fullPage: true });
	for (const text of ["Sonner deux fois", "ZTEG1234ABCD", "Vérifier le signal"]) {
		if (!(await page.content()).includes(text)) fail(`detail lacks ${text}`);
	}
	// On my way: the customer is texted once, in French (their language), with the first name and a status link.
	const staff = await browser.newContext();
	const admin = staff.request;
	if (!(await admin.post(`${BASE}/api/method/login`, { form: { usr: "Administrator", pwd: process.env.ADMIN_PASSWORD || "admin" } })).ok()) throw new Error("admin login");
	const customerTexts = async () => (await (await admin.get(`${BASE}/api/resource/Dispatch SMS Log?filters=${encodeURIComponent(JSON.stringify([["job", "=", F.job], ["kind", "=", "customer"]]))}&fields=${encodeURIComponent(JSON.stringify(["body", "to_number"]))}&limit_page_length=10`)).json()).data;
	if ((await customerTexts()).length) fail("a customer text before En route");
	await page.locator("#enroute").tap();
	await page.locator("#toast.ok", { hasText: "Client avisé : arrivée vers" }).waitFor({ timeout: 15000 });
	await page.waitForLoadState("load");
	await page.locator("#enroute-state").waitFor({ timeout: 15000 });
	const texts = await customerTexts();
	if (texts.length !== 1) fail(`customer texts after En route: ${texts.length}`);
	const body = texts[0]?.body || "";
	if (!/^Gigafibre : Tech est en route vers chez vous, arrivée prévue vers \d{1,2} h( \d\d)?\. Suivi : \S+\/c\/\S+$/.test(body)) fail(`on-my-way text: ${body}`);
	if (texts[0]?.to_number !== "514-555-0101") fail(`texted to ${texts[0]?.to_number}`);
	const statusPath = "/c/" + body.split("/c/")[1];
	const customer = await (await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, locale: "fr-CA" })).newPage();
	await customer.goto(`${BASE}${statusPath}`);
	await customer.screenshot({ path: `${OUT}/customer-status-fr.png`, fullPage: true });
	const statusText = await customer.locator("#status").textContent();
	if (statusText.trim() !== "Votre technicien est en route") fail(`status page: ${statusText}`);
	if ((await customer.locator("#technician").textContent()).trim() !== "Tech") fail("status page first name");
	if (!(await customer.locator("#eta").count())) fail("status page lacks the arrival estimate");
	for (const secret of ["E2E", "Sonner", "Famille Tremblay", "514-555"]) if ((await customer.content()).includes(secret)) fail(`status page shows ${secret}`);
	const width = await customer.evaluate(() => document.documentElement.scrollWidth);
	if (width > 375) fail(`status page wider than the phone: ${width}`);
	await customer.locator("#lang").tap();
	await customer.waitForURL(/lang=en/);
	if ((await customer.locator("#status").textContent()).trim() !== "Your technician is on the way") fail("status page in English");
	await customer.screenshot({ path: `${OUT}/customer-status-en.png`, fullPage: true });
	await page.locator("#checkin").click();
	await page.waitForFunction(() => document.getElementById("status")?.dataset.status === "In Progress", null, { timeout: 15000 });
	await page.waitForLoadState("load");
	await page.locator("#complete").waitFor({ timeout: 15000 });
	await page.locator("#photo").setInputFiles({ name: "ont.png", mimeType: "image/png", buffer: png(32, 24) });
	await page.locator("#toast.ok", { hasText: "Photo ajoutée" }).waitFor({ timeout: 15000 });
	const canvas = page.locator("#signature");
	await canvas.scrollIntoViewIfNeeded();
	const box = await canvas.boundingBox();
	await page.mouse.move(box.x + 20, box.y + 100);
	await page.mouse.down();
	for (let i = 0; i < 12; i++) await page.mouse.move(box.x + 30 + i * 25, box.y + 60 + (i % 2) * 60);
	await page.mouse.up();
	await page.locator("#notes").fill("Signal -18 dBm, client satisfait");
	await page.screenshot({ path: `${OUT}/portal-signed.png`, fullPage: true });
	await page.locator("#complete").click();
	await page.locator("#toast.ok", { hasText: "Tâche terminée" }).waitFor({ timeout: 15000 });
	await page.waitForTimeout(1200);
	await page.screenshot({ path: `${OUT}/portal-done.png`, fullPage: true });
	const status = await page.locator("#status").getAttribute("data-status");
	const label = await page.locator("#status").textContent();
	if (status !== "Completed" || label.trim() !== "Terminée") fail(`status after completion: ${status} / ${label}`);
	if (!/(lun|mar|mer|jeu|ven|sam|dim)\./.test(await page.content())) fail("dates are not in French");
	if (await page.locator("#complete").count()) fail("complete is still offered");
	await customer.goto(`${BASE}${statusPath}?lang=fr`);
	if ((await customer.locator("#status").textContent()).trim() !== "Visite terminée") fail("status page after completion");
	if ((await customerTexts()).length !== 1) fail("more than one customer text");
	await staff.close();
	await page.goto(`${BASE}/t/${F.expired}`);
	await page.screenshot({ path: `${OUT}/portal-expired.png` });
	if (!(await page.content()).includes("Lien expiré ou invalide")) fail("expired link page");
	const evidence = await (await page.request.get(`${BASE}/api/method/ping`)).ok();
	console.log(JSON.stringify({ completed: status.trim(), expired_page: true, server: evidence }));
} catch (e) {
	await page.screenshot({ path: `${OUT}/portal-error.png`, fullPage: true }).catch(() => {});
	fail(e.stack || String(e));
} finally {
	await browser.close();
}
