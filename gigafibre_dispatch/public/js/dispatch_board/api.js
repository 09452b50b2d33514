// Calls to the board's face (gigafibre_dispatch.api.board) and to the lifecycle read side. Plain fetch so that a
// refusal comes back as a value the board shows (no modal), and so that the Idempotency-Key is a real header.

const BOARD = "gigafibre_dispatch.api.board";
const LIFECYCLE = "gigafibre_dispatch.api.lifecycle";

// The app's one uuid4 (public/js/uuid4.js, loaded in Desk by app_include_js).
export const uuid4 = () => gigafibre_dispatch.uuid4();

export class ApiError extends Error {
	constructor(message, status, type) {
		super(message);
		this.status = status;
		this.type = type;
	}
}

function server_message(body, fallback) {
	try {
		const messages = JSON.parse(body._server_messages || "[]").map((m) => JSON.parse(m).message);
		if (messages.length) return frappe.utils.html2text ? frappe.utils.html2text(messages.join(" ")) : messages.join(" ");
	} catch (e) {
		// fall through
	}
	if (body.error && body.error.message) return body.error.message;
	if (body.exception) return String(body.exception).split(": ").slice(1).join(": ") || body.exception;
	return fallback;
}

async function request(method, url, { args = {}, key = null, signal = null } = {}) {
	const headers = { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token };
	if (key) headers["Idempotency-Key"] = key;
	let full = url;
	const init = { method, headers, signal, credentials: "same-origin" };
	if (method === "GET") {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(args)) {
			if (v === undefined || v === null) continue;
			q.set(k, typeof v === "object" ? JSON.stringify(v) : v);
		}
		full = `${url}?${q}`;
	} else {
		headers["Content-Type"] = "application/json";
		init.body = JSON.stringify(args);
	}
	const response = await fetch(full, init);
	const body = await response.json().catch(() => ({}));
	if (!response.ok) {
		throw new ApiError(server_message(body, response.statusText), response.status, body.exc_type);
	}
	return body;
}

export const api = {
	get(method, args, opts = {}) {
		return request("GET", `/api/method/${BOARD}.${method}`, { args, ...opts }).then((b) => b.message);
	},
	post(method, args, key = uuid4()) {
		return request("POST", `/api/method/${BOARD}.${method}`, { args: { ...args, idempotency_key: key }, key }).then(
			(b) => b.message
		);
	},
	lifecycle(method, args) {
		return request("GET", `/api/method/${LIFECYCLE}.${method}`, { args }).then((b) => b.data);
	},
	command(job, command, payload) {
		return request("POST", `/api/v2/document/Dispatch%20Job/${encodeURIComponent(job)}/method/${command}`, {
			args: payload,
			key: uuid4(),
		}).then((b) => b.data);
	},
	call(method, args) {
		return request("POST", `/api/method/${method}`, { args }).then((b) => b.message);
	},
	read(method, args) {
		return request("GET", `/api/method/${method}`, { args }).then((b) => b.message);
	},
};
