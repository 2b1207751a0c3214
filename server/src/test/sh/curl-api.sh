#!/usr/bin/env bash
# curl against a running server: every endpoint once, the way the README shows it.
#   curl-api.sh BASE_URL WAV_FILE LONG_WAV_FILE (over 1 MiB: curl sends Expect: 100-continue)
# Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
base="$1"; wav="$2"; long_wav="$3"
pass=0; fail=0
check() { # name, expected, actual
    if [[ "$3" == *"$2"* ]]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1: expected '$2' in: $3"; fi
}

check "health" '"status":"ok"' "$(curl -s "$base/health")"
check "health status" "200" "$(curl -s -o /dev/null -w '%{http_code}' "$base/health")"
check "models" '"object":"list"' "$(curl -s "$base/v1/models")"
check "model" '"id":"tiny-asr"' "$(curl -s "$base/v1/models/tiny-asr")"
check "transcribe json" '{"text":"second 1 second 2"}' \
    "$(curl -s "$base/v1/audio/transcriptions" -F "file=@$wav;type=audio/wav" -F model=qwen3-asr)"
check "transcribe text" 'second 1 in English second 2' \
    "$(curl -s "$base/v1/audio/transcriptions" -F "file=@$wav" -F language=English -F response_format=text)"
check "transcribe srt" '00:00:01,000 --> 00:00:02,000' \
    "$(curl -s "$base/v1/audio/transcriptions" -F "file=@$wav" -F response_format=srt)"
check "transcribe verbose" '"task":"transcribe"' \
    "$(curl -s "$base/v1/audio/transcriptions" -F "file=@$wav" -F response_format=verbose_json)"
check "transcribe file_path" '"text":"second 1 second 2"' \
    "$(curl -s "$base/v1/audio/transcriptions" -H 'Content-Type: application/json' -d "{\"file_path\": \"$wav\"}")"
check "transcribe stream" 'transcript.text.done' \
    "$(curl -sN "$base/v1/audio/transcriptions" -F "file=@$wav" -F stream=true)"
check "bad language" '"code":"invalid_language"' \
    "$(curl -s "$base/v1/audio/transcriptions" -F "file=@$wav" -F language=Klingon)"
check "chat" '"content":"hi from curl"' \
    "$(curl -s "$base/v1/chat/completions" -H 'Content-Type: application/json' \
        -d '{"model": "tiny-chat", "messages": [{"role": "user", "content": "hi from curl"}]}')"
stream="$(curl -sN "$base/v1/chat/completions" -H 'Content-Type: application/json' \
    -d '{"messages": [{"role": "user", "content": "a b"}], "stream": true}')"
check "chat stream chunk" 'chat.completion.chunk' "$stream"
check "chat stream done" '[DONE]' "$stream"
check "bad json" '"type":"invalid_request_error"' \
    "$(curl -s "$base/v1/chat/completions" -H 'Content-Type: application/json' -d '{oops')"
check "unknown endpoint" '404' "$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/unknown")"
check "download conflict" '"type":"conflict"' \
    "$(curl -s "$base/v1/models/download" -H 'Content-Type: application/json' -d '{"repo_id": "local/tiny-chat"}')"
check "download status unknown" '"code":"download_not_found"' "$(curl -s "$base/v1/models/download/nothing")"
check "delete missing" '404' "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$base/v1/models/missing")"
check "delete traversal" '"error"' "$(curl -s --path-as-is -X DELETE "$base/v1/models/../../etc")"
check "oversized upload" '413' "$(head -c 3000000 /dev/zero > "$wav.big" && \
    curl -s -o /dev/null -w '%{http_code}' "$base/v1/audio/transcriptions" -F "file=@$wav.big"; rm -f "$wav.big")"

# Headers and framings as clients send them.
stream="$(curl -sN "$base/v1/chat/completions" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -d '{"messages": [{"role": "user", "content": "hi there"}], "stream": true, "max_tokens": 4}')"
check "chat stream, Accept: application/json" '"content":" there"' "$stream"
check "chat stream, Accept: application/json, done" '[DONE]' "$stream"
check "chat stream, q-values" 'data: [DONE]' "$(curl -sN "$base/v1/chat/completions" -H 'Content-Type: application/json' \
    -H 'Accept: application/json;q=0.9, text/event-stream;q=0.1' -d '{"messages": [{"role": "user", "content": "a"}], "stream": true}')"
check "transcribe stream, Accept: application/json" 'transcript.text.done' \
    "$(curl -sN "$base/v1/audio/transcriptions" -H 'Accept: application/json' -F "file=@$wav" -F stream=true)"
check "406 names what the route produces" 'text/event-stream' "$(curl -s "$base/v1/chat/completions" \
    -H 'Content-Type: application/json' -H 'Accept: image/png' -d '{"messages": [{"role": "user", "content": "a"}]}')"
check "json with charset" '"content":"charset ok"' "$(curl -s "$base/v1/chat/completions" \
    -H 'Content-Type: application/json; charset=utf-8' -d '{"messages": [{"role": "user", "content": "charset ok"}]}')"
check "upload over 1 MiB (Expect: 100-continue)" '"text":"second 1 second 2' "$(curl -s "$base/v1/audio/transcriptions" \
    -F "file=@$long_wav")"
check "chunked upload" '"text":"second 1 second 2"' "$(curl -s "$base/v1/audio/transcriptions" \
    -H 'Transfer-Encoding: chunked' -F "file=@$wav")"
check "chunked json" '"content":"chunked ok"' "$(curl -s "$base/v1/chat/completions" -H 'Transfer-Encoding: chunked' \
    -H 'Content-Type: application/json' -d '{"messages": [{"role": "user", "content": "chunked ok"}]}')"
check "keep-alive after an error" $'400 1\n200 0\n404 0\n200 0' "$(curl -s -o /dev/null -w '%{http_code} %{num_connects}\n' \
    "$base/v1/chat/completions" -H 'Content-Type: application/json' -d '{oops' \
    --next -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$base/v1/chat/completions" -H 'Content-Type: application/json' \
        -d '{"messages": [{"role": "user", "content": "again"}]}' \
    --next -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$base/v1/nothing" \
    --next -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$base/health")"
check "HTTP/1.0 is told to use HTTP/1.1" '"code":"http_version_not_supported"' "$(curl -s -0 "$base/health")"
check "translations say where to go" '/v1/audio/transcriptions' \
    "$(curl -s "$base/v1/audio/translations" -F "file=@$wav")"
check "legacy completions say where to go" '/v1/chat/completions' \
    "$(curl -s "$base/v1/completions" -H 'Content-Type: application/json' -d '{"prompt": "hi"}')"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
