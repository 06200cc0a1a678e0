// gffbase — library version (kept in step with pyproject.toml by CMake).
#pragma once

namespace gffbase {
inline constexpr const char* kVersion = GFFBASE_VERSION_STRING;
}  // namespace gffbase
