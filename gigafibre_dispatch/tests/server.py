"""A real web server for tests and benchmarks: gunicorn serving this bench's sites on a free loopback port."""

import os
import signal
import socket
import subprocess
import sys
import time

import frappe
import requests


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class Gunicorn:
	def __init__(self, workers: int = 2, threads: int = 1):
		self.workers = workers
		self.threads = threads
		self.port = free_port()
		self.proc = None
		self.site = frappe.local.site  # captured here: client threads have no frappe.local
		self.sites_path = os.path.abspath(frappe.local.sites_path)

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}"

	def headers(self) -> dict:
		return {"X-Frappe-Site-Name": self.site, "Host": self.site}

	def __enter__(self):
		gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
		self.proc = subprocess.Popen(
			[
				gunicorn,
				"-b",
				f"127.0.0.1:{self.port}",
				"-w",
				str(self.workers),
				"--threads",
				str(self.threads),
				"-t",
				"120",
				"--preload",
				"frappe.app:application",
			],
			cwd=self.sites_path,
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
		)
		deadline = time.time() + 60
		while time.time() < deadline:
			try:
				if requests.get(f"{self.url}/api/method/ping", headers=self.headers(), timeout=2).ok:
					return self
			except requests.RequestException:
				time.sleep(0.3)
		self.__exit__()
		raise RuntimeError("gunicorn did not start")

	def __exit__(self, *exc):
		if self.proc and self.proc.poll() is None:
			os.killpg(self.proc.pid, signal.SIGTERM)
			try:
				self.proc.wait(timeout=20)
			except subprocess.TimeoutExpired:
				os.killpg(self.proc.pid, signal.SIGKILL)
