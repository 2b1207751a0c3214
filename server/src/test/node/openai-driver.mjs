// Drives the official OpenAI Node SDK against a running ominix server, as a user's script would.
//   node openai-driver.mjs BASE_URL API_KEY < calls.json
// calls.json is a list of {"op": ..., "params": {...}}; prints one JSON list with, per call,
// {"ok": true, "value": ...} (what the SDK parsed) or {"ok": false, "error": {...}} (the SDK's
// error object: its class, status, message, code, type, param, Retry-After).
import fs from 'node:fs';
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: apiKey || 'unused', maxRetries: 0, timeout: 120_000 });

async function collect(stream, each) {
    const events = [];
    for await (const event of stream) events.push(each ? each(event) : event);
    return events;
}

const ops = {
    chat: (p) => client.chat.completions.create(p),
    chatStream: async (p) => collect(await client.chat.completions.create({ ...p, stream: true })),
    // The SDK's own accumulation of a stream (tool-call deltas merged into whole calls).
    chatStreamFinal: (p) => client.chat.completions.stream(p).finalChatCompletion(),
    responses: (p) => client.responses.create(p),
    responsesStream: async (p) => collect(await client.responses.create({ ...p, stream: true })),
    // The SDK's own accumulation of a Responses stream.
    responsesStreamFinal: (p) => client.responses.stream(p).finalResponse(),
    responsesRetrieve: ({ id }) => client.responses.retrieve(id),
    responsesDelete: async ({ id }) => (await client.responses.delete(id)) ?? null,
    transcribe: ({ file, ...p }) => client.audio.transcriptions.create({ ...p, file: fs.createReadStream(file) }),
    transcribeStream: async ({ file, ...p }) =>
        collect(await client.audio.transcriptions.create({ ...p, file: fs.createReadStream(file), stream: true })),
    translate: ({ file, ...p }) => client.audio.translations.create({ ...p, file: fs.createReadStream(file) }),
    completion: (p) => client.completions.create(p),
    modelsList: async () => {
        const ids = [];
        for await (const m of client.models.list()) ids.push(m);
        return ids;
    },
    modelsRetrieve: ({ id }) => client.models.retrieve(id),
    modelsDelete: ({ id }) => client.models.delete(id),
};

function describe(e) {
    return {
        class: e.constructor.name,
        isApiError: e instanceof OpenAI.APIError,
        status: e.status ?? null,
        message: e.message,
        code: e.code ?? null,
        type: e.type ?? null,
        param: e.param ?? null,
        retryAfter: e.headers?.get?.('retry-after') ?? null,
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
