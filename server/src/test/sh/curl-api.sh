#!/usr/bin/env bash
# curl against a running server: every endpoint once, the way the README shows it.
#   curl-api.sh BASE_URL WAV_FILE
# Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
base="$1"; wav="$2"
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
check "delete loaded" '409' "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$base/v1/models/tiny-chat")"
check "delete missing" '404' "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$base/v1/models/missing")"
check "delete traversal" '"error"' "$(curl -s --path-as-is -X DELETE "$base/v1/models/../../etc")"
check "oversized upload" '413' "$(head -c 3000000 /dev/zero > "$wav.big" && \
    curl -s -o /dev/null -w '%{http_code}' "$base/v1/audio/transcriptions" -F "file=@$wav.big"; rm -f "$wav.big")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
