"""Load test of the public survey page: GET then POST of single-use links.

    python manage.py issue_invitations --campaign usagers-2025 --count 100000 > /tmp/links.txt
    LINKS=/tmp/links.txt locust -f bench/locustfile.py --headless -u 200 -r 50 -t 2m \\
        --host http://127.0.0.1:8000

Each simulated citizen takes an unused link, opens the page (GET, with the CSRF cookie), then
submits valid answers (POST, expects the 302 to the thank-you page). locust is not a project
dependency: install it in a separate virtualenv.
"""

import os
import re

from locust import HttpUser, between, task

LINKS = [line.strip() for line in open(os.environ.get("LINKS", "/tmp/links.txt")) if line.strip()]
PATHS = iter([re.sub(r"^https?://[^/]+", "", url) for url in LINKS])
ANSWERS = {
    "q_e1": "very",
    "q_e2": "rather",
    "q_e3": "very",
    "q_e5": "dont_know",
    "q_overall": "very",
    "q_comment": "",
}


class Citizen(HttpUser):
    wait_time = between(0.1, 0.5)

    @task
    def answer(self):
        path = next(PATHS)
        self.client.get(path, name="/s/[token] GET")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            path,
            data={**ANSWERS, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + path},
            allow_redirects=False,
            name="/s/[token] POST",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
