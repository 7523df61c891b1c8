// A real `mercato serve` in a child process on its own database and port, with an admin signed in:
// the end-to-end tier drives it over HTTP, kills it, and starts it again on the same data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <sys/types.h>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/test_paths.hpp"

namespace mercato::test {

class ServedShop {
public:
    // extra_config: TOML tables added to the test configuration (tables it does not set itself).
    explicit ServedShop(std::string db_url, const std::string& extra_config = {});
    ~ServedShop();
    ServedShop(const ServedShop&) = delete;
    ServedShop& operator=(const ServedShop&) = delete;

    // Starts the server and returns once /readyz answers 200; fails the test if it does not within 30 s.
    // The first start also creates the admin (`mercato users create-admin`) and signs it in.
    void start();
    void kill();  // SIGKILL, as a crash or a pulled plug would end it
    void stop();  // SIGTERM: a graceful shutdown

    std::uint16_t port() const noexcept { return port_; }
    pid_t pid() const;
    const std::string& db_url() const noexcept { return db_url_; }
    HttpClient client() const { return HttpClient(port_); }
    // A field of /proc/<pid>/status in KiB: "VmRSS" now, "VmHWM" the peak.
    std::int64_t memory_kib(const char* field = "VmRSS") const;
    std::string log() const;  // what the running server has written so far

    // Registers the customer (if new) and signs in.
    Headers customer(const std::string& email);
    Headers admin;

private:
    TempDir dir_;
    std::string db_url_;
    std::string config_path_;
    std::uint16_t port_;
    std::unique_ptr<ChildProcess> process_;
};

// The reply's JSON body, failing the test with the status and body when the status is not expected.
nlohmann::json expect_json(const HttpReply& reply, int status);

}  // namespace mercato::test
