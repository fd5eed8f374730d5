"""X-Query-Count on every response, for the benchmark (STANDFIRST_QUERY_COUNT_HEADER=on).

Placed outside the page cache, so a cache hit reports the zero queries it really ran.
"""

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
