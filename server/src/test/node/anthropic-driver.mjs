// Drives the official Anthropic TypeScript SDK against a running ominix server's /v1/messages.
//   node anthropic-driver.mjs BASE_URL API_KEY < calls.json
// calls.json is a list of {"op": ..., "params": {...}}; prints one JSON list with, per call,
// {"ok": true, "value": ...} (what the SDK parsed) or {"ok": false, "error": {...}}.
import fs from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, apiKey] = process.argv.slice(2);
// The SDK appends /v1/messages to the base URL itself.
const client = new Anthropic({ baseURL: baseURL.replace(/\/v1\/?$/, ''), apiKey: apiKey || 'unused', maxRetries: 0, timeout: 120_000 });

const ops = {
    messages: (p) => client.messages.create(p),
    // The raw stream events, as the SDK parsed them.
    messagesStream: async (p) => {
        const events = [];
        for await (const e of await client.messages.create({ ...p, stream: true })) events.push(e);
        return events;
    },
    // The SDK's own accumulation of a stream into the final message.
    messagesStreamFinal: (p) => client.messages.stream(p).finalMessage(),
};

function describe(e) {
    return {
        class: e.constructor.name,
        isApiError: e instanceof Anthropic.APIError,
        status: e.status ?? null,
        message: e.message,
        type: e.error?.error?.type ?? null,
    };
}

const calls = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = [];
for (const { op, params } of calls) {
    if (!ops[op]) throw new Error('unknown op ' + op);
    try {
        results.push({ ok: true, value: await ops[op](params ?? {}) });
    } catch (e) {
        results.push({ ok: false, error: describe(e) });
    }
}
process.stdout.write(JSON.stringify(results));
