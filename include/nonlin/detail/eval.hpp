// nonlin::detail::eval: how a public functor runs its generic kernel.
#ifndef NONLIN_DETAIL_EVAL_HPP
#define NONLIN_DETAIL_EVAL_HPP

#include <type_traits>

#include "ops.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {

template <class V>
struct is_supported : std::integral_constant<bool, std::is_same<V, float>::value || std::is_same<V, double>::value> {};
#if NONLIN_USE_XSIMD
template <class T, class A>
struct is_supported<xsimd::batch<T, A>> : is_supported<T> {};
#endif

// Batches run the kernel directly. With xsimd, a scalar runs it in lane 0 of
// a batch of the default architecture: the scalar functor then executes the
// very instructions of the bulk kernel, so f(x) == apply(f, ...)[i] bit for
// bit whatever the compiler's contraction and vectorization choices.
template <class V, class K>
NONLIN_INLINE V eval(V const& x, K const& k) noexcept {
  static_assert(is_supported<V>::value, "nonlin functors take float, double or xsimd::batch<float|double>");
#if NONLIN_USE_XSIMD
  if constexpr (std::is_floating_point<V>::value) {
    return k(xsimd::batch<V>(x)).get(0);
  } else
#endif
  {
    return k(x);
  }
}

// The same for a kernel of two arguments (the gated functions).
template <class V, class K>
NONLIN_INLINE V eval2(V const& a, V const& b, K const& k) noexcept {
  static_assert(is_supported<V>::value, "nonlin functors take float, double or xsimd::batch<float|double>");
#if NONLIN_USE_XSIMD
  if constexpr (std::is_floating_point<V>::value) {
    return k(xsimd::batch<V>(a), xsimd::batch<V>(b)).get(0);
  } else
#endif
  {
    return k(a, b);
  }
}

}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_EVAL_HPP
