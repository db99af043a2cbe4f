#include "multipart.hpp"

#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/text.hpp>

#include <vector>

namespace tasklane::attachments {

namespace {

sdk::ApiError malformed(const std::string& why) {
    return sdk::ApiError::bad_request("malformed multipart/form-data body: " + why);
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return out;
}

// Header parameters: `form-data; name="file"; filename="a b.txt"` ->
// {name: file, filename: "a b.txt"}; names lower-cased; quoted strings
// unescaped (browsers send a quote inside a name as %22, curl as \").
std::vector<std::pair<std::string, std::string>> parameters(std::string_view value) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t i = value.find(';');
    while (i != std::string_view::npos && i < value.size()) {
        ++i;  // past ';'
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) {
            ++i;
        }
        const auto eq = value.find('=', i);
        if (eq == std::string_view::npos) {
            break;
        }
        auto name = lower(sdk::trim(value.substr(i, eq - i)));
        std::string text;
        i = eq + 1;
        if (i < value.size() && value[i] == '"') {
            for (++i; i < value.size() && value[i] != '"'; ++i) {
                if (value[i] == '\\' && i + 1 < value.size()) {
                    ++i;
                }
                text += value[i];
            }
            i = value.find(';', i);
        } else {
            const auto end = value.find(';', i);
            text = sdk::trim(value.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
            i = end;
        }
        out.emplace_back(std::move(name), std::move(text));
    }
    return out;
}

std::optional<std::string> parameter(std::string_view value, const std::string& name) {
    for (auto& [key, text] : parameters(value)) {
        if (key == name) {
            return text;
        }
    }
    return std::nullopt;
}

struct Part {
    std::string disposition;
    std::string content_type;
    std::string_view content;
};

// "Name: value" lines up to the blank line; folded lines are not used by form encoders.
Part parse_part(std::string_view raw) {
    const auto end_of_headers = raw.find("\r\n\r\n");
    if (end_of_headers == std::string_view::npos) {
        throw malformed("a part has no blank line after its headers");
    }
    Part part;
    std::string_view headers = raw.substr(0, end_of_headers);
    while (!headers.empty()) {
        const auto eol = headers.find("\r\n");
        const auto line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        const auto name = lower(sdk::trim(line.substr(0, colon)));
        if (name == "content-disposition") {
            part.disposition = sdk::trim(line.substr(colon + 1));
        } else if (name == "content-type") {
            part.content_type = sdk::trim(line.substr(colon + 1));
        }
    }
    part.content = raw.substr(end_of_headers + 4);
    return part;
}

// filename*=UTF-8''%e2%82%ac.txt (RFC 8187), which some clients send besides filename=.
std::optional<std::string> extended_filename(std::string_view disposition) {
    const auto value = parameter(disposition, "filename*");
    if (!value) {
        return std::nullopt;
    }
    const auto quote = value->find("''");
    if (quote == std::string::npos || lower(value->substr(0, quote)) != "utf-8") {
        return std::nullopt;
    }
    return sdk::url_decode(value->substr(quote + 2), false);
}

// The next "\r\n--boundary" at or after `from` that really is a delimiter:
// followed by "--" (the last one) or by optional blanks and CRLF (RFC 2046).
// Content may contain "--boundary" followed by anything else.
std::size_t find_delimiter(std::string_view body, const std::string& delimiter, std::size_t from) {
    while (true) {
        const auto at = body.find(delimiter, from);
        if (at == std::string_view::npos) {
            return at;
        }
        auto after = at + delimiter.size();
        if (body.substr(after, 2) == "--") {
            return at;
        }
        while (after < body.size() && (body[after] == ' ' || body[after] == '\t')) {
            ++after;
        }
        if (body.substr(after, 2) == "\r\n") {
            return at;
        }
        from = at + 1;
    }
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    auto boundary = parameter(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70) {
        return std::nullopt;
    }
    return boundary;
}

FilePart file_part(std::string_view body, const std::string& boundary) {
    const std::string delimiter = "--" + boundary;
    // The first delimiter may follow a preamble; later ones follow a CRLF.
    std::size_t pos = 0;
    if (body.substr(0, delimiter.size()) != delimiter) {
        pos = body.find("\r\n" + delimiter);
        if (pos == std::string_view::npos) {
            throw malformed("no part starts with the boundary of the Content-Type");
        }
        pos += 2;
    }
    std::optional<FilePart> found;
    const std::string next_delimiter = "\r\n" + delimiter;
    while (true) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") {
            break;  // the close delimiter
        }
        const auto line_end = body.find("\r\n", pos);
        if (line_end == std::string_view::npos) {
            throw malformed("a boundary line does not end");
        }
        const auto start = line_end + 2;
        const auto end = find_delimiter(body, next_delimiter, start);
        if (end == std::string_view::npos) {
            throw malformed("the body ends before the closing boundary");
        }
        const auto part = parse_part(body.substr(start, end - start));
        auto filename = extended_filename(part.disposition);
        if (!filename) {
            filename = parameter(part.disposition, "filename");
        }
        // An empty file input is sent with filename="": not a file.
        if (filename && !filename->empty()) {
            if (found) {
                throw sdk::ApiError::validation({{"file", "send one file per request"}});
            }
            found = FilePart{*filename, part.content_type, part.content};
        }
        pos = end + 2;
    }
    if (!found) {
        throw sdk::ApiError::validation({{"file", "no part of the form carries a file (a part with a filename)"}});
    }
    return *found;
}

}  // namespace tasklane::attachments
