// Raw bytes from a client, as one keep-alive connection would deliver them, through the
// server's request path in memory: Beast's request parser with the session's limits
// (server/session.cpp: kHeaderLimit for the header, then the route's body limit), the
// framing checks and the conversion of server/http_codec.hpp, the route table
// (tests/fuzz/route_table.hpp), the correlation id and the response the server would write.
// Requests follow each other as pipelined requests do, so the bytes a refused or
// mis-framed request leaves behind are parsed as the next request, as a smuggler intends.
#include <algorithm>
#include <cctype>
#include <sstream>

#include <boost/beast/http/parser.hpp>  // server/tls_io.hpp relies on the server PCH for it
#include <boost/beast/http/write.hpp>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "server/correlation.hpp"
#include "server/http_codec.hpp"
#include "server/server_context.hpp"
#include "server/tls_io.hpp"
#include "server/url.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/route_table.hpp"

using twostep::fuzz::check;
namespace server = twostep::server;
namespace http = server::http;
namespace asio = server::asio;

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// What the header bytes say about framing, read without Beast: how many header lines are
// named Content-Length and Transfer-Encoding, and the request line's version.
struct RawFraming {
  int lengths = 0;
  int encodings = 0;
  bool http10 = false;
};

RawFraming scan_header(std::string_view header) {
  RawFraming out;
  bool first = true;
  while (!header.empty()) {
    const std::size_t end = header.find('\n');
    std::string_view line = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      out.http10 = line.ends_with(" HTTP/1.0");
      first = false;
      continue;
    }
    const std::string_view name = line.substr(0, line.find(':'));
    out.lengths += iequal(name, "content-length") ? 1 : 0;
    out.encodings += iequal(name, "transfer-encoding") ? 1 : 0;
  }
  return out;
}

// Feeds `input` to the parser until it wants no more (the header, or the whole message),
// then end of input if it still needs bytes, as Beast's read does at end of stream.
// Returns the bytes consumed.
std::size_t feed(server::RequestParser& parser, std::string_view input, bool header_only,
                 boost::beast::error_code& ec) {
  std::size_t used = 0;
  while (!(header_only ? parser.is_header_done() : parser.is_done())) {
    std::size_t n = 0;
    if (used < input.size()) {
      n = parser.put(asio::buffer(input.data() + used, input.size() - used), ec);
      used += n;
      if (ec && ec != http::error::need_more) return used;
      ec = {};
    }
    if (n == 0) {  // it needs bytes that the connection will never send
      if (parser.got_some()) parser.put_eof(ec);
      if (!ec && !parser.is_done()) ec = http::error::partial_message;
      return used;
    }
  }
  return used;
}

// The decoded path a match stands for: its pattern with each parameter's decoded value.
std::string decoded_path(const server::Route& route,
                         const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& segment : route.segments) {
    out += '/';
    const bool param = segment.size() > 2 && segment.front() == '{';
    out += param ? params.at(segment.substr(1, segment.size() - 2)) : segment;
  }
  return out;
}

// The response the server would write for `request`, with one of its header values echoed
// in a handler header: it must come out as one well-formed response with our correlation
// id and no header smuggled in through the value.
void check_response(const server::HttpRequest& request, unsigned version, bool keep_alive) {
  server::HttpResponse response;
  response.body = request.body;
  if (!request.headers.empty())
    response.headers.emplace_back("X-Echo", request.headers.back().second);
  auto wire =
      server::to_beast_response(std::move(response), version, keep_alive, request.correlation_id);
  std::ostringstream out;
  out << wire;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  boost::beast::error_code ec;
  const std::string text = out.str();
  parser.put(asio::buffer(text), ec);
  check(!ec && parser.is_done(), "the response written parses as one complete response");
  const auto& parsed = parser.get();
  check(parsed["X-Correlation-ID"] == request.correlation_id, "the response carries our id");
  check(parsed.count("X-Correlation-ID") == 1 && parsed.count("X-Echo") <= 1 &&
            parsed.count(http::field::content_length) == 1 &&
            parsed.count(http::field::transfer_encoding) == 0,
        "no header is repeated or injected");
  check(parsed.body() == request.body, "the body is written as given");
}

// One request from the front of `input`; returns the bytes it used, or npos when the
// connection would be closed after it.
std::size_t serve_one(std::string_view input, twostep::core::Random& random) {
  server::RequestParser parser;
  parser.header_limit(server::kHeaderLimit);
  parser.body_limit(boost::none);
  boost::beast::error_code ec;
  std::size_t used = feed(parser, input, true, ec);
  if (ec) return std::string_view::npos;  // 431 or 400 and close, or nothing to answer
  const RawFraming raw = scan_header(input.substr(0, used));
  const server::BeastRequest& header = parser.get();
  const std::string id = server::correlation_id_for(header["x-correlation-id"], random);
  check(server::is_sane_correlation_id(id), "a correlation id is always sane");
  if (!server::framing_problem(header).empty()) return std::string_view::npos;
  check(raw.lengths <= 1, "duplicate Content-Length is never accepted");
  check(raw.lengths == 0 || raw.encodings == 0, "Content-Length with Transfer-Encoding is refused");
  check(!(raw.http10 && raw.encodings > 0), "Transfer-Encoding in HTTP/1.0 is refused");
  if (server::is_websocket_upgrade(header)) return std::string_view::npos;  // handed over

  const server::Target target = server::split_target(header.target());
  const auto matched = twostep::fuzz::server_router().match(header.method_string(), target.path);
  const auto* match = std::get_if<server::Router::Match>(&matched);
  if (match == nullptr) return parser.is_done() ? used : std::string_view::npos;
  const std::size_t limit = twostep::core::Config{}.body_limit;
  if (!parser.is_done()) {
    if (auto length = parser.content_length(); length && *length > limit) {
      return std::string_view::npos;  // 413
    }
    parser.body_limit(limit);
    used += feed(parser, input.substr(used), false, ec);
    if (ec) return std::string_view::npos;
  }
  check(parser.get().body().size() <= limit, "a body read is within the limit");
  const unsigned version = parser.get().version();
  const bool keep_alive = parser.get().keep_alive();
  const auto query = server::parse_query(target.query);  // `target` views the released message
  auto request = server::to_http_request(parser.release(), "127.0.0.1", id);
  if (!request) {
    check(!query, "only a malformed query fails the conversion");
    return keep_alive ? used : std::string_view::npos;
  }
  check(request->method == match->route->method, "the routed method is the request's");
  check(decoded_path(*match->route, match->params) == request->path,
        "the route's pattern with its parameters is the request's decoded path");
  check(request->query == query, "the query is the target's");
  check_response(*request, version, keep_alive);
  return keep_alive ? used : std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A dropped handler header is logged as an error; the fuzzer would print it per input.
  twostep::core::set_log_level(twostep::core::LogLevel::kError);
  return 0;
}

// Input: the bytes a client sends on one connection (after TLS), possibly several
// pipelined requests.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  twostep::core::SeededRandom random(size);
  std::string_view input = twostep::fuzz::as_text(data, size);
  for (int requests = 0; requests < 16 && !input.empty(); ++requests) {
    const std::size_t used = serve_one(input, random);
    if (used == std::string_view::npos || used == 0) break;
    input.remove_prefix(used);
  }
  return 0;
}
