// The SQLite backend's reads and writes for the recommendations: order lines and products in,
// the model's neighbours, popular lists and every customer's list out (migration 0007).

#include <string>
#include <vector>

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::each_row;
using sqlite::Statement;

Status SqliteStore::scan_order_lines(const std::function<Status(const OrderLineRecord&)>& visit) {
  VAFA_TRY(Statement * q,
           cached("SELECT o.customer_id, o.id, o.placed_at, COALESCE(l.product_id, 0), l.quantity,"
                  " l.amount_minor, o.status FROM orders o JOIN order_lines l ON l.order_id = o.id"
                  " WHERE o.customer_id IS NOT NULL ORDER BY o.customer_id, o.placed_at, o.id,"
                  " l.line_no"));
  return each_row(*q, [&](Statement& r) -> Status {
    return visit(OrderLineRecord{.customer = r.column_int(0),
                                 .order = r.column_int(1),
                                 .placed_at = r.column_int(2),
                                 .product = r.column_int(3),
                                 .quantity = r.column_int(4),
                                 .amount_minor = r.column_int(5),
                                 .status = sqlite::stored_order_status(r.column_text(6))});
  });
}

Status SqliteStore::scan_products(const std::function<Status(const ProductRecord&)>& visit) {
  VAFA_TRY(Statement * q, cached("SELECT id, sku, name, category, price_minor,"
                                 " COALESCE(currency, ''), active FROM products ORDER BY id"));
  return each_row(*q, [&](Statement& r) -> Status {
    return visit(ProductRecord{.row = r.column_int(0),
                               .sku = r.column_text(1),
                               .name = r.column_text(2),
                               .category = r.column_text(3),
                               .price_minor = r.column_optional_int(4),
                               .currency = r.column_text(5),
                               .active = r.column_int(6) != 0});
  });
}

Status SqliteStore::replace_recommend_model(const RecommendModel& model,
                                            std::span<const NeighbourRow> neighbours,
                                            std::span<const PopularRow> popular) {
  return in_transaction([&]() -> Status {
    VAFA_CHECK(exec("DELETE FROM customer_recommendations"));
    VAFA_CHECK(exec("DELETE FROM item_neighbours"));
    VAFA_CHECK(exec("DELETE FROM popular_products"));
    VAFA_TRY(Statement * m,
             cached("INSERT OR REPLACE INTO recommend_model(id, trained_at, trained_until,"
                    " params, products, pairs) VALUES(1, ?1, ?2, ?3, ?4, ?5)"));
    VAFA_CHECK(m->bind(1, model.trained_at)
                   .bind(2, model.trained_until)
                   .bind(3, std::string_view(model.params_json))
                   .bind(4, model.products)
                   .bind(5, model.pairs)
                   .run());
    VAFA_TRY(Statement * n, cached("INSERT INTO item_neighbours(product_id, rank, neighbour_id,"
                                   " score, support, together) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    std::int64_t rank = 0;
    for (std::size_t i = 0; i < neighbours.size(); ++i) {
      const NeighbourRow& row = neighbours[i];
      rank = i > 0 && neighbours[i - 1].product == row.product ? rank + 1 : 1;
      VAFA_CHECK(n->bind(1, row.product)
                     .bind(2, rank)
                     .bind(3, row.neighbour)
                     .bind(4, row.score)
                     .bind(5, row.support)
                     .bind(6, row.together)
                     .run());
    }
    VAFA_TRY(Statement * p, cached("INSERT INTO popular_products(scope, rank, product_id, buyers)"
                                   " VALUES(?1, ?2, ?3, ?4)"));
    for (std::size_t i = 0; i < popular.size(); ++i) {
      const PopularRow& row = popular[i];
      rank = i > 0 && popular[i - 1].scope == row.scope ? rank + 1 : 1;
      VAFA_CHECK(p->bind(1, std::string_view(row.scope))
                     .bind(2, rank)
                     .bind(3, row.product)
                     .bind(4, row.buyers)
                     .run());
    }
    return {};
  });
}

Status SqliteStore::put_recommendations(std::span<const RecommendationRow> rows) {
  // Rows go in 64 to a statement (a 1.25 M-customer shop writes 12.5 M of them).
  constexpr std::size_t kBatch = 64;
  static const std::string many = [] {
    std::string sql =
        "INSERT OR REPLACE INTO customer_recommendations(customer_id, rank, product_id, score,"
        " reason, because_id) VALUES";
    for (std::size_t i = 0; i < kBatch; ++i) sql += i == 0 ? "(?,?,?,?,?,?)" : ",(?,?,?,?,?,?)";
    return sql;
  }();
  VAFA_TRY(Statement * batch, cached(many.c_str()));
  VAFA_TRY(Statement * one,
           cached("INSERT OR REPLACE INTO customer_recommendations(customer_id, rank, product_id,"
                  " score, reason, because_id) VALUES(?,?,?,?,?,?)"));
  return in_transaction([&]() -> Status {
    std::vector<std::int64_t> ranks(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ranks[i] = i > 0 && rows[i - 1].customer == rows[i].customer ? ranks[i - 1] + 1 : 1;
    }
    auto bind = [&](Statement& q, int base, std::size_t i) {
      const RecommendationRow& row = rows[i];
      q.bind(base + 1, row.customer)
          .bind(base + 2, ranks[i])
          .bind(base + 3, row.product)
          .bind(base + 4, row.score)
          .bind(base + 5, std::string_view(row.reason))
          .bind(base + 6, row.because);
    };
    std::size_t i = 0;
    for (; i + kBatch <= rows.size(); i += kBatch) {
      for (std::size_t j = 0; j < kBatch; ++j) bind(*batch, static_cast<int>(j * 6), i + j);
      VAFA_CHECK(batch->run());
    }
    for (; i < rows.size(); ++i) {
      bind(*one, 0, i);
      VAFA_CHECK(one->run());
    }
    return {};
  });
}

Result<std::optional<RecommendModel>> SqliteStore::recommend_model() {
  VAFA_TRY(Statement * q, cached("SELECT trained_at, trained_until, params, products, pairs"
                                 " FROM recommend_model WHERE id = 1"));
  std::optional<RecommendModel> model;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    model = RecommendModel{.trained_at = r.column_int(0),
                           .trained_until = r.column_optional_int(1),
                           .params_json = std::string(r.column_text(2)),
                           .products = r.column_int(3),
                           .pairs = r.column_int(4)};
    return {};
  }));
  return model;
}

Status SqliteStore::scan_neighbours(std::optional<std::int64_t> product,
                                    const std::function<Status(const NeighbourRow&)>& visit) {
  VAFA_TRY(Statement * q, product
                              ? cached("SELECT product_id, neighbour_id, score, support, together"
                                       " FROM item_neighbours WHERE product_id = ?1 ORDER BY rank")
                              : cached("SELECT product_id, neighbour_id, score, support, together"
                                       " FROM item_neighbours ORDER BY product_id, rank"));
  if (product) q->bind(1, *product);
  return each_row(*q, [&](Statement& r) -> Status {
    return visit(NeighbourRow{.product = r.column_int(0),
                              .neighbour = r.column_int(1),
                              .score = r.column_double(2),
                              .support = r.column_int(3),
                              .together = r.column_int(4)});
  });
}

Result<std::vector<PopularRow>> SqliteStore::popular_products(std::string_view scope,
                                                              std::size_t limit) {
  VAFA_TRY(Statement * q, cached("SELECT product_id, buyers FROM popular_products"
                                 " WHERE scope = ?1 ORDER BY rank LIMIT ?2"));
  q->bind(1, scope).bind(2, static_cast<std::int64_t>(limit));
  std::vector<PopularRow> rows;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    rows.push_back(PopularRow{
        .scope = std::string(scope), .product = r.column_int(0), .buyers = r.column_int(1)});
    return {};
  }));
  return rows;
}

Result<std::vector<RecommendationRow>> SqliteStore::recommendations_for(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT product_id, score, reason, because_id"
                                 " FROM customer_recommendations WHERE customer_id = ?1"
                                 " ORDER BY rank"));
  q->bind(1, customer);
  std::vector<RecommendationRow> rows;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    rows.push_back(RecommendationRow{.customer = customer,
                                     .product = r.column_int(0),
                                     .score = r.column_double(1),
                                     .reason = std::string(r.column_text(2)),
                                     .because = r.column_optional_int(3)});
    return {};
  }));
  return rows;
}

Result<std::optional<std::int64_t>> SqliteStore::product_row(std::string_view sku) {
  return lookup_row("SELECT id FROM products WHERE sku = ?1", sku);
}

Result<std::optional<std::string>> SqliteStore::product_sku(std::int64_t row) {
  VAFA_TRY(Statement * q, cached("SELECT sku FROM products WHERE id = ?1"));
  q->bind(1, row);
  std::optional<std::string> sku;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    sku = std::string(r.column_text(0));
    return {};
  }));
  return sku;
}

}  // namespace vafa
