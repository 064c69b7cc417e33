-- wrk script of bench/http.sh: the request comes from the environment (WRK_METHOD, WRK_BODY;
-- headers are given with -H), and done() appends one CSV row to WRK_OUT:
-- round,server,endpoint,store,connections,requests,seconds,rps,p50_us,p90_us,p99_us,mean_us,max_us,non_2xx,socket_errors
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local row = string.format(
    "%s,%s,%s,%s,%s,%d,%.3f,%.1f,%d,%d,%d,%.1f,%d,%d,%d\n",
    os.getenv("WRK_ROUND"), os.getenv("WRK_SERVER"), os.getenv("WRK_ENDPOINT"), os.getenv("WRK_STORE"),
    os.getenv("WRK_CONNS"), summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max, errors.status, errors.connect + errors.read + errors.write + errors.timeout)
  local out = io.open(os.getenv("WRK_OUT"), "a")
  out:write(row)
  out:close()
end
