// The fault tests' own file systems: the test program enters a private
// mount namespace before anything else runs (tests/faults/main.cc), so each
// test can mount a small tmpfs that fills up for real, and every mount
// vanishes with the process, whatever happens to the test.
#ifndef CVAULT_TESTS_FAULTS_MOUNT_NAMESPACE_H_
#define CVAULT_TESTS_FAULTS_MOUNT_NAMESPACE_H_

#include <string>

namespace cvault::testing {

// Enters a private mount namespace: as root directly, otherwise inside a
// new user namespace. Call while the process has one thread. Returns an
// empty string on success, otherwise why it could not (the tests then skip).
std::string EnterPrivateMountNamespace();

// The result of the call in main(): empty when tests may mount.
const std::string& MountNamespaceProblem();

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_FAULTS_MOUNT_NAMESPACE_H_
