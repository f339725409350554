// Nothing but loopback is reachable in CI: a unit test that would reach the internet fails here too, by name.
// Not for test/proof/: nock's interceptors sit in every request's path, and the proofs' large
// loopback bodies stall in them.
import nock from "nock";

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
