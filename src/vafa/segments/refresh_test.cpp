#include "vafa/segments/refresh.hpp"
