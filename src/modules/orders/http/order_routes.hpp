// The orders module's HTTP routes: placing, reading, moving and cancelling orders, and returns.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::orders {

class Orders;

void register_order_routes(http::Router& router, Orders& orders);

}  // namespace mercato::orders
