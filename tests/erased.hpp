// nonlin_test::unary_fn<T>, gated_fn<T>: a functor under test without its
// type -- its name and its entry points (the scalar call, apply() and
// apply_packed()) as std::function. A test that loops over these is
// compiled once per element type; written as a generic lambda over the
// functors (nonlin::for_each_function) it would be compiled again for each
// of the ~60 functors, which is much of the test programs' build time.
// Only unary_fn_of() and gated_fn_of() are compiled per functor: the calls
// themselves, the same instantiations of apply() the generic lambda made.
#ifndef NONLIN_TESTS_ERASED_HPP
#define NONLIN_TESTS_ERASED_HPP

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "nonlin/nonlin.hpp"

namespace nonlin_test {

template <class T>
struct unary_fn {
  std::string name;
  std::function<T(T)> scalar;                           // f(x)
  std::function<void(const T*, T*, std::size_t)> bulk;  // apply(f, in, out, n)
};

template <class T>
struct gated_fn {
  std::string name;
  nonlin::gate_half packed_gate;                                   // the functor's default for apply_packed
  std::function<T(T, T)> scalar;                                   // g(gate, up)
  std::function<void(const T*, const T*, T*, std::size_t)> bulk;  // apply(g, gate, up, out, n)
  // apply_packed(g, in, in_stride, out, out_stride, rows, hidden, *half),
  // or without the gate_half argument (the default) where half is null;
  // empty unless made with WithPacked (below)
  std::function<void(const T*, std::size_t, T*, std::size_t, std::size_t, std::size_t, const nonlin::gate_half*)>
      packed;
  // apply_packed(g, in, out, rows, hidden): contiguous rows
  std::function<void(const T*, T*, std::size_t, std::size_t)> packed_contiguous;
};

// One functor, erased.
template <class T, class F>
unary_fn<T> unary_fn_of(F const& f) {
  return {f.name, [f](T x) { return f(x); },
          [f](const T* in, T* out, std::size_t n) { nonlin::apply(f, in, out, n); }};
}

// WithPacked: also its apply_packed() entry points (left empty otherwise:
// two more instantiations of the kernel each, which a test that does not
// call them would compile for nothing).
template <class T, bool WithPacked = false, class G>
gated_fn<T> gated_fn_of(G const& g) {
  gated_fn<T> e{g.name,
                g.packed_gate,
                [g](T a, T b) { return g(a, b); },
                [g](const T* gate, const T* up, T* out, std::size_t n) { nonlin::apply(g, gate, up, out, n); },
                {},
                {}};
  if constexpr (WithPacked) {
    e.packed = [g](const T* in, std::size_t is, T* out, std::size_t os, std::size_t rows, std::size_t hidden,
                   const nonlin::gate_half* half) {
      if (half == nullptr)
        nonlin::apply_packed(g, in, is, out, os, rows, hidden);
      else
        nonlin::apply_packed(g, in, is, out, os, rows, hidden, *half);
    };
    e.packed_contiguous = [g](const T* in, T* out, std::size_t rows, std::size_t hidden) {
      nonlin::apply_packed(g, in, out, rows, hidden);
    };
  }
  return e;
}

// The functors of a list (nonlin::unary_functions(), gated_functions(), or
// nonlin_test::functions_for's selection of one), erased.
template <class T, class Tuple>
std::vector<unary_fn<T>> unary_fns(Tuple const& list) {
  std::vector<unary_fn<T>> v;
  nonlin::for_each_function(list, [&](auto const& f) { v.push_back(unary_fn_of<T>(f)); });
  return v;
}

template <class T, bool WithPacked = false, class Tuple>
std::vector<gated_fn<T>> gated_fns(Tuple const& list) {
  std::vector<gated_fn<T>> v;
  nonlin::for_each_function(list, [&](auto const& g) { v.push_back(gated_fn_of<T, WithPacked>(g)); });
  return v;
}

}  // namespace nonlin_test

#endif  // NONLIN_TESTS_ERASED_HPP
