#include "vafa/analytics/customer.hpp"
