"""The HTTP client every adapter uses: JSON in and out, the bearer token, and retries where the
server asks for them (429 and 503 with Retry-After), bounded in count."""
import json
import os
import time
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8765"


class SweSrlError(RuntimeError):
    """The server said no (the message is its one-line reason) or could not be reached."""

    def __init__(self, message, status=None, field=None, body=None):
        super().__init__(message)
        self.status = status
        self.field = field
        self.body = body or {}


class SweSrlClient:
    def __init__(self, base_url=None, token=None, timeout=600.0, retries=5):
        self.base_url = (base_url or os.environ.get("SWE_SRL_URL") or DEFAULT_URL).rstrip("/")
        self.token = token if token is not None else os.environ.get("SWE_SRL_TOKEN")
        self.timeout = timeout
        self.retries = retries

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"content-type": "application/json"} if data is not None else {}
        if self.token:
            headers["authorization"] = "Bearer " + self.token
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                text = error.read().decode("utf-8", "replace")
                try:
                    answer = json.loads(text)
                except ValueError:
                    answer = {"error": text}
                retry_after = error.headers.get("retry-after")
                if error.code in (429, 503) and retry_after and not answer.get("infrastructure_error") and attempt < self.retries:
                    time.sleep(min(float(retry_after), 30.0))
                    continue
                raise SweSrlError(
                    "%s %s: %d %s" % (method, path, error.code, answer.get("error", text)),
                    status=error.code,
                    field=answer.get("field"),
                    body=answer,
                ) from None
            except urllib.error.URLError as error:
                raise SweSrlError("%s %s: cannot reach %s (%s)" % (method, path, self.base_url, error.reason)) from None
        raise SweSrlError("%s %s: still refused after %d retries" % (method, path, self.retries))

    # SRL rewards
    def srl_rewards(self, responses, targets=None, step_ids=None, mode=None):
        """One SRL reward per response: -1 for a format violation, else the similarity in [0, 1]."""
        body = {"responses": list(responses)}
        if targets is not None:
            body["targets"] = list(targets)
        if step_ids is not None:
            body["step_ids"] = list(step_ids)
        if mode is not None:
            body["mode"] = mode
        return self.request("POST", "/reward/srl", body)

    def get_reward(self, queries, prompts, labels):
        """OpenRLHF's remote reward protocol: {rewards, scores, extra_logs}."""
        return self.request("POST", "/get_reward", {"query": list(queries), "prompts": list(prompts), "labels": list(labels)})

    # Episodes
    def start_episode(self, instance_id, sample=None):
        body = {"instance_id": instance_id}
        if sample is not None:
            body["sample"] = int(sample)
        return self.request("POST", "/episodes", body)

    def step(self, episode_id, text=None, tool_calls=None):
        body = {}
        if text is not None:
            body["text"] = text
        if tool_calls is not None:
            body["tool_calls"] = tool_calls
        return self.request("POST", "/episodes/%s/step" % episode_id, body)

    def close_episode(self, episode_id):
        return self.request("POST", "/episodes/%s/close" % episode_id, {})

    def delete_episode(self, episode_id):
        return self.request("DELETE", "/episodes/%s" % episode_id)

    def discard_episode(self, episode_id):
        """Deletes an episode on a best-effort basis: when a framework releases an environment, a
        server that already reaped the episode (idle timeout) or went away must not fail its loop."""
        try:
            self.delete_episode(episode_id)
        except Exception:
            pass


_default = None


def default_client():
    """One client per process, configured from SWE_SRL_URL and SWE_SRL_TOKEN."""
    global _default
    if _default is None:
        _default = SweSrlClient()
    return _default


def verdict_reward(closed):
    """The RLVR reward of a closed episode; an infrastructure error gives 0 (and is in the verdict)."""
    reward = closed.get("verdict", {}).get("reward")
    return 0.0 if reward is None else float(reward)
