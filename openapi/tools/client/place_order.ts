// A client of the Mercato API written only against the types openapi-typescript generates from
// openapi/openapi.json: it signs in, places an order and pays for it by card. scripts/api-check.sh
// type-checks it against freshly generated types, so a change of the document that would break such
// a client (a renamed field, path or operation, a status that is no longer answered) fails the check.
import type { components, operations, paths } from "../generated/mercato";

type OperationId = keyof operations;
type Verb = "get" | "put" | "post" | "delete";

// The path and verb of an operation: a route naming another operation's, or none, does not type-check.
type Route<Id extends OperationId> = {
    [P in keyof paths]: {
        [V in Verb]: [paths[P][V]] extends [operations[Id]]
            ? [operations[Id]] extends [paths[P][V]]
                ? { path: P; verb: V }
                : never
            : never;
    }[Verb];
}[keyof paths];

type Answers<Id extends OperationId> = operations[Id]["responses"];
type Body<Id extends OperationId> = operations[Id] extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
type Reply<Id extends OperationId, Status extends keyof Answers<Id>> =
    Answers<Id>[Status] extends { content: { "application/json": infer R } } ? R : never;
type HeaderParams<Id extends OperationId> = [NonNullable<operations[Id]["parameters"]["header"]>] extends [never]
    ? {}
    : NonNullable<operations[Id]["parameters"]["header"]>;
type Problem = components["schemas"]["Problem"];
type Payment = components["schemas"]["Payment"];

const routes: { [Id in "login" | "placeOrder" | "checkout"]: Route<Id> } = {
    login: { path: "/v1/users/login", verb: "post" },
    placeOrder: { path: "/v1/orders", verb: "post" },
    checkout: { path: "/v1/payment/checkout", verb: "post" },
};

export class ApiError extends Error {
    constructor(readonly problem: Problem) {
        super(`${problem.status} ${problem.title}: ${problem.detail}`);
    }
}

async function call<Id extends keyof typeof routes, Status extends keyof Answers<Id> & number>(
    server: string, operation: Id, expected: Status, body: Body<Id>,
    headers?: HeaderParams<Id> & { Authorization: string },
): Promise<Reply<Id, Status>> {
    const { path, verb } = routes[operation];
    const reply = await fetch(server + path, {
        method: verb.toUpperCase(),
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
    });
    const answer: unknown = await reply.json();
    if (reply.status !== expected) throw new ApiError(answer as Problem);
    return answer as Reply<Id, Status>;
}

// Buys one of a product for a customer and answers the card payment, which the order's total settles.
export async function placeOrderAndPay(server: string, email: string, password: string, productId: string): Promise<Payment> {
    const tokens = await call(server, "login", 200, { email, password });
    const authorization = `${tokens.token_type} ${tokens.access_token}`;

    const order = await call(server, "placeOrder", 201, {
        items: [{ product_id: productId, quantity: 1 }],
        shipping_address: { name: "Ann Example", line1: "1 Main Street", city: "Berlin", postal_code: "10115", country: "DE" },
    }, { Authorization: authorization, "Idempotency-Key": `place-${productId}-${email}` });
    if (order.status !== "pending") throw new Error(`a new order is pending, not ${order.status}`);

    const payment = await call(server, "checkout", 201, {
        order_id: order.id,
        method: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2030, cvc: "123" },
    }, { Authorization: authorization, "Idempotency-Key": `pay-${order.id}` });
    if (payment.status !== "succeeded" || payment.amount !== order.total || payment.currency !== order.currency) {
        throw new Error(`the card payment of ${order.id} did not settle its total`);
    }
    return payment;
}
