#pragma once
// Queries that are prepared once per pooled session and then reused: SQLite
// skips sqlite3_prepare and PostgreSQL skips parsing and planning (one
// PQexecPrepared round trip instead of PREPARE + EXECUTE + DEALLOCATE).
//
// A Query's SQL text may be built at run time (filters); its values are
// bound by name (:p0, :p1, ...) in the order param() was called, so the same
// text always has the same parameters and one prepared statement serves every
// call with that text. Sessions that do not come from the host's pool (a
// test's own connection) run the query once, unprepared.
//
//   sdk::Query q;
//   q.text = "SELECT id, title FROM tasks WHERE id = " + q.param(id);
//   q.run<TaskRow>(db, sql, [&](const TaskRow& row) { ... });
//
// `Row` is default-constructible and has bind(soci::statement&) adding its
// into() targets; run() reads every row, so SQLite never keeps a statement
// (and with it an old read snapshot) open between calls.
#include "database.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

namespace tasklane::sdk {

class Query {
public:
    std::string text;

    // Each returns the placeholder to put in the text.
    std::string param(long long value) { return add(Kind::Int, value, {}, true); }
    std::string param(const std::string& value) { return add(Kind::Text, 0, value, true); }
    std::string param(const char* value) { return param(std::string(value)); }
    // NULL when empty.
    std::string param(const std::optional<long long>& value) {
        return add(Kind::Int, value.value_or(0), {}, value.has_value());
    }
    std::string param(const std::optional<std::string>& value) {
        return add(Kind::Text, 0, value.value_or(""), value.has_value());
    }

    // Runs a query that returns rows; on_row(const Row&) for each.
    template <typename Row, typename OnRow>
    void run(Database& db, soci::session& sql, OnRow&& on_row) const {
        with_statement<Row>(db, sql, [&](Prepared<Row>& p) {
            p.st.execute(false);
            while (p.st.fetch()) {
                on_row(static_cast<const Row&>(p.row));
            }
            return 0LL;
        });
    }

    // Runs a statement without rows; the number of rows it changed.
    long long execute(Database& db, soci::session& sql) const {
        return with_statement<NoRow>(db, sql, [](Prepared<NoRow>& p) {
            p.st.execute(true);
            return p.st.get_affected_rows();
        });
    }

private:
    enum class Kind { Int, Text };
    struct NoRow {
        void bind(soci::statement&) {}
    };

    // The statement and the variables bound to it, at fixed addresses for
    // as long as it lives.
    template <typename Row>
    struct Prepared {
        Row row;
        std::deque<long long> ints;
        std::deque<std::string> strings;
        std::deque<soci::indicator> indicators;  // one per parameter
        soci::statement st;

        Prepared(soci::session& sql, const Query& q, bool repeatable)
            : ints(q.ints_.begin(), q.ints_.end()),
              strings(q.strings_.begin(), q.strings_.end()),
              indicators(q.indicators_.begin(), q.indicators_.end()),
              st(sql) {
            row.bind(st);
            auto next_int = ints.begin();
            auto next_string = strings.begin();
            for (std::size_t i = 0; i < q.kinds_.size(); ++i) {
                const auto name = "p" + std::to_string(i);
                if (q.kinds_[i] == Kind::Int) {
                    st.exchange(soci::use(*next_int++, indicators[i], name));
                } else {
                    st.exchange(soci::use(*next_string++, indicators[i], name));
                }
            }
            st.alloc();
            st.prepare(q.text, repeatable ? soci::details::st_repeatable_query : soci::details::st_one_time_query);
            st.define_and_bind();
        }
        void rebind(const Query& q) {
            std::copy(q.ints_.begin(), q.ints_.end(), ints.begin());
            std::copy(q.strings_.begin(), q.strings_.end(), strings.begin());
            std::copy(q.indicators_.begin(), q.indicators_.end(), indicators.begin());
        }
    };

    template <typename Row, typename Use>
    long long with_statement(Database& db, soci::session& sql, Use&& use) const {
        StatementCache* cache = db.statements(sql);
        if (cache == nullptr) {
            Prepared<Row> once(sql, *this, /*repeatable=*/false);
            return use(once);
        }
        const std::string key = std::string(typeid(Row).name()) + '\n' + text;
        auto& prepared = cache->get<Prepared<Row>>(key, [&] {
            return std::make_unique<Prepared<Row>>(sql, *this, /*repeatable=*/true);
        });
        prepared.rebind(*this);
        try {
            return use(prepared);
        } catch (...) {
            cache->erase(key);  // its state is unknown now; prepare afresh next time
            throw;
        }
    }

    std::string add(Kind kind, long long number, std::string text, bool present) {
        if (kind == Kind::Int) {
            ints_.push_back(number);
        } else {
            strings_.push_back(std::move(text));
        }
        kinds_.push_back(kind);
        indicators_.push_back(present ? soci::i_ok : soci::i_null);
        return ":p" + std::to_string(kinds_.size() - 1);
    }

    std::vector<Kind> kinds_;
    std::vector<long long> ints_;
    std::vector<std::string> strings_;
    std::vector<soci::indicator> indicators_;
};

}  // namespace tasklane::sdk
