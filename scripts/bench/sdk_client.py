"""The OpenHands SDK's own client, as its remote-runtime example uses it, for `npm run bench`.

Provisions an agent server through the Runtime API (APIRemoteWorkspace), runs one conversation
on it (RemoteConversation: send_message, then a blocking run), prints the cost from the
conversation's stats, and stops the runtime on the way out (the workspace's context exit).
Everything comes from the environment, so the bench can run it exactly as it runs the action:

  RUNTIME_API_URL, RUNTIME_API_KEY, SERVER_IMAGE   where and what to provision
  LLM_MODEL, LLM_BASE_URL, LLM_API_KEY             the agent's LLM
  PROMPT                                           the task
  BENCH_EVENTS_FILE (optional)                     ids of the events the client received, one a line
"""

import json
import os
import sys
import time

# LiteLLM fetches its price map from the internet at import unless told to use its local copy.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from pydantic import SecretStr  # noqa: E402

from openhands.sdk import LLM, Agent, Conversation, Tool  # noqa: E402
from openhands.tools.preset.default import register_default_tools  # noqa: E402
from openhands.workspace import APIRemoteWorkspace  # noqa: E402


def main() -> int:
    env = os.environ
    llm = LLM(
        usage_id="agent",
        model=env["LLM_MODEL"],
        base_url=env["LLM_BASE_URL"],
        api_key=SecretStr(env["LLM_API_KEY"]),
    )
    streamed: list[str] = []

    def on_event(event) -> None:
        streamed.append(str(event.id))

    with APIRemoteWorkspace(
        runtime_api_url=env["RUNTIME_API_URL"],
        runtime_api_key=env["RUNTIME_API_KEY"],
        server_image=env["SERVER_IMAGE"],
        # Only for the bench's event count: leave the server up so its log can be read after the exit.
        keep_alive=env.get("BENCH_KEEP_ALIVE") == "1",
    ) as workspace:
        # The agent the action sends: get_default_agent(llm, cli_mode=True) without its condenser
        # (which would summarise the 2 000-event run with extra LLM calls the action does not make).
        register_default_tools(enable_browser=False)
        agent = Agent(
            llm=llm,
            tools=[Tool(name="terminal"), Tool(name="file_editor"), Tool(name="task_tracker")],
            system_prompt_kwargs={"cli_mode": True},
        )
        conversation = Conversation(
            agent=agent,
            workspace=workspace,
            callbacks=[on_event],
            # Only for the bench's event count, as keep_alive: the client deletes the conversation on close by default.
            **({"delete_on_close": False} if env.get("BENCH_KEEP_ALIVE") == "1" else {}),
        )
        try:
            conversation.send_message(env["PROMPT"])
            conversation.run()
            cost = conversation.conversation_stats.get_combined_metrics().accumulated_cost
            print(f"EXAMPLE_COST: {cost}", flush=True)
        finally:
            out = env.get("BENCH_EVENTS_FILE")
            if out:
                # What a user of the client holds: the callback's stream, and the conversation's event list.
                held = [str(e.id) for e in conversation.state.events]
                with open(out, "w") as f:
                    json.dump({"conversation_id": str(conversation.id), "streamed": streamed, "held": held, "at": time.time()}, f)
            conversation.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
