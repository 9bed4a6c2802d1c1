// Parameter encoding, column decoding and error descriptions for the PostgreSQL backend.
#include "store/postgres/pg_values.hpp"

#include <charconv>
#include <climits>
#include <cstring>
#include <memory>

namespace twostep::store {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); they are fixed across versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr int kTextFormat = 0;
constexpr int kBinaryFormat = 1;

// libpq reads a NULL value pointer as SQL NULL, so empty strings and blobs point here.
constexpr char kEmpty[] = "";

int length_of(std::size_t size) {
  if (size > static_cast<std::size_t>(INT_MAX)) {
    throw StoreError("a parameter is larger than PostgreSQL accepts (2 GiB)");
  }
  return static_cast<int>(size);
}

std::array<char, 8> big_endian(std::int64_t v) {
  std::array<char, 8> out{};
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return out;
}

std::string column_name(const PGresult* result, int col) {
  const char* name = PQfname(result, col);
  return name == nullptr ? "?" : name;
}

// The whole text is a base-10 integer that fits in int64.
bool parse_integer(const char* text, int length, std::int64_t& out) {
  const char* end = text + length;
  const auto [p, ec] = std::from_chars(text, end, out);
  return ec == std::errc() && p == end;
}

Value decode_bytea(const char* text) {
  std::size_t size = 0;
  std::unique_ptr<unsigned char, decltype(&PQfreemem)> bytes(
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size), &PQfreemem);
  if (!bytes) throw StoreError("out of memory decoding a bytea column");
  return Blob(bytes.get(), bytes.get() + size);
}

Value decode(const PGresult* result, int row, int col) {
  if (PQgetisnull(result, row, col) != 0) return nullptr;
  const char* text = PQgetvalue(result, row, col);
  const int length = PQgetlength(result, row, col);
  std::int64_t integer = 0;
  switch (PQftype(result, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      if (!parse_integer(text, length, integer)) {
        throw StoreError("column '" + column_name(result, col) + "' is not a valid integer");
      }
      return integer;
    case kNumericOid:
      // SUM() of integers is NUMERIC in PostgreSQL; whole values map like integers.
      if (!parse_integer(text, length, integer)) {
        throw StoreError("column '" + column_name(result, col) +
                         "' is a fractional or huge NUMERIC, which the store does not map; "
                         "CAST it to BIGINT or TEXT");
      }
      return integer;
    case kBoolOid:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kByteaOid:
      return decode_bytea(text);
    case kFloat4Oid:
    case kFloat8Oid:
      throw StoreError("column '" + column_name(result, col) +
                       "' is floating point, which the store does not map; CAST it to BIGINT "
                       "or TEXT");
    default:
      return std::string(text, static_cast<std::size_t>(length));
  }
}

// libpq's messages span lines ("…failed\n\tIs the server running…"); errors are one line.
std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

PgParams::PgParams(Params params) {
  const std::size_t n = params.size();
  types_.reserve(n);
  values_.reserve(n);
  lengths_.reserve(n);
  formats_.reserve(n);
  integers_.reserve(n);  // never reallocates, so values_ may point into it
  for (const Value& value : params) {
    switch (value.index()) {
      case 0:  // NULL: type left to the server, which infers it from the context
        types_.push_back(0);
        values_.push_back(nullptr);
        lengths_.push_back(0);
        formats_.push_back(kTextFormat);
        break;
      case 1:
        integers_.push_back(big_endian(std::get<std::int64_t>(value)));
        types_.push_back(kInt8Oid);
        values_.push_back(integers_.back().data());
        lengths_.push_back(8);
        formats_.push_back(kBinaryFormat);
        break;
      case 2: {
        // Binary text is the raw bytes with an explicit length, so a NUL byte is refused by
        // the server instead of silently cutting the string short.
        const auto& s = std::get<std::string>(value);
        types_.push_back(kTextOid);
        values_.push_back(s.empty() ? kEmpty : s.data());
        lengths_.push_back(length_of(s.size()));
        formats_.push_back(kBinaryFormat);
        break;
      }
      default: {
        const auto& b = std::get<Blob>(value);
        types_.push_back(kByteaOid);
        values_.push_back(b.empty() ? kEmpty : reinterpret_cast<const char*>(b.data()));
        lengths_.push_back(length_of(b.size()));
        formats_.push_back(kBinaryFormat);
        break;
      }
    }
  }
}

void read_rows(const PGresult* result, std::vector<Row>& rows) {
  const int n_rows = PQntuples(result);
  const int n_cols = PQnfields(result);
  rows.reserve(rows.size() + static_cast<std::size_t>(n_rows));
  for (int r = 0; r < n_rows; ++r) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(n_cols));
    for (int c = 0; c < n_cols; ++c) values.push_back(decode(result, r, c));
    rows.emplace_back(std::move(values));
  }
}

std::int64_t changed_rows(const PGresult* result) {
  const std::string_view status = PQcmdStatus(const_cast<PGresult*>(result));
  for (const std::string_view verb : {"INSERT ", "UPDATE ", "DELETE ", "MERGE "}) {
    if (status.starts_with(verb)) {
      const char* tuples = PQcmdTuples(const_cast<PGresult*>(result));
      std::int64_t n = 0;
      return parse_integer(tuples, static_cast<int>(std::strlen(tuples)), n) ? n : 0;
    }
  }
  return 0;
}

std::string sqlstate(const PGresult* result) {
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state == nullptr ? std::string() : std::string(state);
}

std::string describe_failure(const PGresult* result, const PGconn* conn) {
  const char* primary =
      result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string state = sqlstate(result);
  if (primary == nullptr) {
    // A failure inside libpq (lost connection, out of memory): its message has no values.
    const char* own = result != nullptr ? PQresultErrorMessage(result) : "";
    return one_line(*own != '\0' ? own : PQerrorMessage(conn));
  }
  std::string message = one_line(primary);
  if (state.starts_with("22")) {
    // Data exceptions quote the input they could not take ("invalid input syntax for type
    // bigint: \"…\""), which may be a parameter.
    if (const auto colon = message.find(": "); colon != std::string::npos) {
      message.resize(colon);
    }
  }
  return message + " (SQLSTATE " + state + ")";
}

}  // namespace twostep::store
