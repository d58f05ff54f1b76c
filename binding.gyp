{
  "targets": [
    {
      "target_name": "berth",
      "sources": ["<!@(ls -1 addon/src/*.cc)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Werror=return-type", "-Wextra", "-Wno-missing-field-initializers", "<!@(pkg-config --cflags libseccomp)"],
      "libraries": ["<!@(pkg-config --libs libseccomp)"]
    },
    {
      "target_name": "berth-init",
      "type": "executable",
      "sources": ["<!@(ls -1 addon/init/*.cc)"],
      "cflags_cc": ["-std=c++17", "-Os", "-fno-exceptions", "-fno-rtti", "-Wall", "-Werror=return-type", "-Wextra", "-Wno-missing-field-initializers"],
      "ldflags": ["-static-libstdc++", "-static-libgcc"]
    }
  ]
}
