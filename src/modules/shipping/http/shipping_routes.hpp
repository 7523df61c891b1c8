// The /v1/shipping routes: rate calculation, tracking, and parcel news from admins and carriers.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::shipping {

class Shipping;

void register_shipping_routes(http::Router& router, Shipping& shipping);

}  // namespace mercato::shipping
