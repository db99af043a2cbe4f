#include "search_query.hpp"

namespace tasklane::tasks {

namespace {

constexpr std::size_t kMaxWords = 16;
constexpr std::size_t kMaxWordBytes = 64;

bool word_byte(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

}  // namespace

std::vector<std::string> search_words(const std::string& text) {
    std::vector<std::string> words;
    std::string current;
    bool full = false;  // the word reached kMaxWordBytes: drop the rest of it
    auto flush = [&] {
        full = false;
        if (!current.empty() && words.size() < kMaxWords) {
            words.push_back(current);
        }
        current.clear();
    };
    for (unsigned char c : text) {
        if (!word_byte(c)) {
            flush();
            continue;
        }
        // Cut at a character boundary, never inside a multibyte sequence.
        full = full || (current.size() >= kMaxWordBytes && (c & 0xC0) != 0x80);
        if (full) {
            continue;
        }
        current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c));
    }
    flush();
    return words;
}

std::string fts5_match(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "\"" : " \"") + w + "\"*";
    }
    return out;
}

std::string pg_tsquery(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " & ") + w + ":*";
    }
    return out;
}

}  // namespace tasklane::tasks
