#include "file_name.hpp"

#include <tasklane/sdk/errors.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

namespace tasklane::attachments {

namespace {

// One decoded code point and the bytes it took.
struct CodePoint {
    std::uint32_t value = 0;
    std::size_t length = 0;  // 0: not valid UTF-8 here
};

CodePoint decode_at(const std::string& text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        return {lead, 1};
    }
    // Sequence length, payload bits of the lead byte, smallest value it may encode.
    struct Form {
        std::size_t length;
        std::uint32_t value;
        std::uint32_t min;
    };
    Form form{};
    if ((lead & 0xE0) == 0xC0) {
        form = {2, lead & 0x1Fu, 0x80};
    } else if ((lead & 0xF0) == 0xE0) {
        form = {3, lead & 0x0Fu, 0x800};
    } else if ((lead & 0xF8) == 0xF0) {
        form = {4, lead & 0x07u, 0x10000};
    } else {
        return {};
    }
    const auto [length, lead_bits, min] = form;
    std::uint32_t value = lead_bits;
    if (i + length > text.size()) {
        return {};
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return {};
        }
        value = (value << 6) | (byte(i + k) & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8.
    if (value < min || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
        return {};
    }
    return {value, length};
}

bool is_control(std::uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Embedding and override controls that make "evil\u202Etxt.exe" read as "evilexe.txt".
bool is_bidi_control(std::uint32_t cp) { return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069); }

// Splits valid UTF-8 into code points; an empty result for invalid input.
std::vector<std::pair<std::uint32_t, std::string>> code_points(const std::string& text, bool& valid) {
    std::vector<std::pair<std::uint32_t, std::string>> out;
    valid = true;
    for (std::size_t i = 0; i < text.size();) {
        const auto cp = decode_at(text, i);
        if (cp.length == 0) {
            valid = false;
            return {};
        }
        out.emplace_back(cp.value, text.substr(i, cp.length));
        i += cp.length;
    }
    return out;
}

bool is_attr_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && std::strchr("!#$&+-.^_`|~", c) != nullptr);
}

}  // namespace

std::string checked_file_name(const std::string& raw) {
    bool valid = false;
    const auto points = code_points(raw, valid);
    if (!valid) {
        throw sdk::ApiError::validation({{"filename", "must be valid UTF-8"}});
    }
    std::string name;
    for (const auto& [cp, bytes] : points) {
        if (!is_control(cp)) {
            name += bytes;
        }
    }
    if (name.empty()) {
        throw sdk::ApiError::validation({{"filename", "required: the name of the file"}});
    }
    if (name.size() > kMaxFileNameBytes) {
        throw sdk::ApiError::validation(
            {{"filename", "at most " + std::to_string(kMaxFileNameBytes) + " bytes (UTF-8)"}});
    }
    return name;
}

std::string content_disposition(const std::string& file_name) {
    bool valid = false;
    auto points = code_points(file_name, valid);  // stored names are valid; anything else degrades to "download"
    std::string display;
    std::string ascii;
    for (const auto& [cp, bytes] : points) {
        if (is_control(cp) || is_bidi_control(cp)) {
            continue;
        }
        if (cp == '/' || cp == '\\') {
            display += '_';
            ascii += '_';
            continue;
        }
        display += bytes;
        ascii += (cp >= 0x80 || cp == '"' || cp == '%') ? '_' : static_cast<char>(cp);
    }
    if (display.empty()) {
        display = ascii = "download";
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (const unsigned char c : display) {
        if (is_attr_char(c)) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += kHex[c >> 4];
            encoded += kHex[c & 0x0F];
        }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace tasklane::attachments
