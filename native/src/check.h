// Argument checking for the Node-API entry points: one helper per argument kind, each throwing a
// JavaScript TypeError or RangeError that names the function, the argument and what was wrong.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

namespace bp {

// v is a whole number in [lo, hi] (NaN is not). Counts are C ints: hi defaults to 2^31 - 1, past
// which a cast to int would wrap.
inline bool integer_in(double v, long lo, long hi = 0x7fffffffL) {
  return v == std::floor(v) && v >= (double)lo && v <= (double)hi;
}

// Raw Node-API views (one call each; node-addon-api's checked accessors make two to four, and at a
// few elements per op argument handling is most of a call's cost). False when v is not a typed
// array of `type`.
inline bool typed_view(napi_env env, napi_value v, napi_typedarray_type type, void** data, size_t* len) {
  napi_typedarray_type got;
  napi_value buffer;
  size_t offset;
  return napi_get_typedarray_info(env, v, &got, len, data, &buffer, &offset) == napi_ok && got == type;
}

// Entry t of the JavaScript array arr as a Float32Array (data, length); false when it is not one.
inline bool f32_element(napi_env env, napi_value arr, uint32_t t, float** data, size_t* len) {
  napi_value v;
  void* d = nullptr;
  if (napi_get_element(env, arr, t, &v) != napi_ok || !typed_view(env, v, napi_float32_array, &d, len)) return false;
  *data = static_cast<float*>(d);
  return true;
}

// The length of v when it is a JavaScript array; false otherwise.
inline bool array_length_of(napi_env env, napi_value v, uint32_t* len) {
  bool is_array = false;
  return napi_is_array(env, v, &is_array) == napi_ok && is_array && napi_get_array_length(env, v, len) == napi_ok;
}

struct Args {
  const Napi::CallbackInfo& info;
  const char* fn;

  [[noreturn]] void type_error(size_t i, const char* name, const std::string& what) const {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " (" + name + ") " + what);
  }
  [[noreturn]] void range_error(const std::string& what) const {
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": " + what);
  }

  void count(size_t n) const {
    if (info.Length() < n) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected " + std::to_string(n) + " arguments, got " + std::to_string(info.Length()));
  }

  // One raw Node-API call per check (see typed_view).
  bool is_null(size_t i) const {
    napi_valuetype t;
    return napi_typeof(info.Env(), info[i], &t) != napi_ok || t == napi_null || t == napi_undefined;
  }

  double number(size_t i, const char* name) const {
    double v;
    if (napi_get_value_double(info.Env(), info[i], &v) != napi_ok) type_error(i, name, "must be a number");
    return v;
  }

  long integer(size_t i, const char* name, long lo = 0, long hi = 0x7fffffffL) const {
    const double v = number(i, name);
    if (!integer_in(v, lo, hi)) {
      type_error(i, name, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(v));
    }
    return (long)v;
  }

  bool boolean(size_t i, const char* name) const {
    bool v;
    if (napi_get_value_bool(info.Env(), info[i], &v) != napi_ok) type_error(i, name, "must be a boolean");
    return v;
  }

  // A typed array's elements, as node-addon-api's TypedArrayOf spells them (Data, ElementLength).
  template <class T>
  struct View {
    T* data;
    size_t len;
    T* Data() const { return data; }
    size_t ElementLength() const { return len; }
  };

  template <class T, napi_typedarray_type kType>
  View<T> typed(size_t i, const char* name, const char* type_name) const {
    size_t len = 0;
    void* data = nullptr;
    if (!typed_view(info.Env(), info[i], kType, &data, &len)) type_error(i, name, std::string(type_name[0] == 'I' ? "must be an " : "must be a ") + type_name);
    return {static_cast<T*>(data), len};
  }

  // A Float32Array of exactly `len` elements (len < 0: any length); returns its data.
  // A typed array of kind K at argument i, of `len` elements unless len is negative.
  template <class T, napi_typedarray_type K>
  T* sized(size_t i, const char* name, const char* type_name, long len) const {
    auto a = typed<T, K>(i, name, type_name);
    if (len >= 0 && (long)a.ElementLength() != len) {
      range_error(std::string(name) + " has " + std::to_string(a.ElementLength()) + " elements, expected " + std::to_string(len));
    }
    return a.Data();
  }
  float* f32(size_t i, const char* name, long len = -1) const { return sized<float, napi_float32_array>(i, name, "Float32Array", len); }
  double* f64(size_t i, const char* name, long len = -1) const { return sized<double, napi_float64_array>(i, name, "Float64Array", len); }
  uint32_t* u32(size_t i, const char* name, long len = -1) const { return sized<uint32_t, napi_uint32_array>(i, name, "Uint32Array", len); }
  int32_t* i32_of(size_t i, const char* name, long len) const { return sized<int32_t, napi_int32_array>(i, name, "Int32Array", len); }

  // Entry t of the array at argument i as a Float32Array.
  std::pair<float*, size_t> f32_entry(size_t i, const char* name, uint32_t t) const {
    float* data = nullptr;
    size_t len = 0;
    if (!f32_element(info.Env(), info[i], t, &data, &len)) type_error(i, name, "entry " + std::to_string(t) + " must be a Float32Array");
    return {data, len};
  }

  // The length of the JavaScript array at argument i.
  uint32_t array_length(size_t i, const char* name) const {
    uint32_t len = 0;
    if (!array_length_of(info.Env(), info[i], &len)) type_error(i, name, "must be an array of Float32Array");
    return len;
  }

  size_t f32_len(size_t i, const char* name) const { return typed<float, napi_float32_array>(i, name, "Float32Array").ElementLength(); }
  size_t f64_len(size_t i, const char* name) const { return typed<double, napi_float64_array>(i, name, "Float64Array").ElementLength(); }

  // True when argument i is a Float64Array.
  bool is_f64(size_t i) const {
    void* data = nullptr;
    size_t len = 0;
    return typed_view(info.Env(), info[i], napi_float64_array, &data, &len);
  }

  View<int32_t> i32(size_t i, const char* name) const { return typed<int32_t, napi_int32_array>(i, name, "Int32Array"); }
};

}  // namespace bp
