#!/usr/bin/env python3
"""Publish one SubmitLead to LeadPlatform ingestion as a non-.NET system would: raw JSON, standard library only,
through RabbitMQ's management HTTP API, with the source's API key in header X-Api-Key (as on HTTP).
Usage: submit_lead.py [vhost] [api-key] (defaults "/" and the demo's roobrik key)."""
import base64, json, sys, urllib.parse, urllib.request

vhost = sys.argv[1] if len(sys.argv) > 1 else "/"
api_key = sys.argv[2] if len(sys.argv) > 2 else "demo-roobrik-api-key-0001"
api = "http://127.0.0.1:15672/api"
message = {
    "lead": {
        "source": "roobrik", "sourceLeadId": "py-0001", "accountId": "sunrise-senior-living", "conversion": "sales-opt-in",
        "prospect": {"firstName": "Edith", "lastName": "Clark", "email": "edith@example.com"},
    },
    "idempotencyKey": "py-0001",
}
body = {
    "routing_key": "ingestion-submit-lead",  # the queue, through the default exchange
    "payload": json.dumps(message), "payload_encoding": "string",
    "properties": {"content_type": "application/json", "delivery_mode": 2, "headers": {"X-Api-Key": api_key}},
}
request = urllib.request.Request(
    f"{api}/exchanges/{urllib.parse.quote(vhost, safe='')}/amq.default/publish", data=json.dumps(body).encode(),
    headers={"Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode(b"guest:guest").decode()})
print(json.load(urllib.request.urlopen(request)))  # {'routed': True} once ingestion has declared its queue
