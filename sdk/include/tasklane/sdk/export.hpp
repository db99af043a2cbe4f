#pragma once
// Plugins build with -fvisibility=hidden. Classes whose vtables or typeinfo
// cross the host/plugin boundary (interfaces, exceptions) must stay visible so
// dynamic_cast and catch work on both sides.
#define TASKLANE_SDK_VISIBLE __attribute__((visibility("default")))
