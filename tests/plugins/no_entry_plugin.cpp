// A shared library that is not a Tasklane plugin: no exported entry points.
extern "C" __attribute__((visibility("default"))) int not_a_plugin() { return 42; }
